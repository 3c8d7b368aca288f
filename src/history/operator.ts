/**
 * The operator's view of a workload (I/O edge): GET `<server>/api/v1/status` of a running
 * `berth run`. Optional and never fatal: an operator that does not answer is reported as
 * such, and the engine's view stands on its own.
 */
import type { StatusSnapshot } from '../api';
import { BerthError, messageOf } from '../util';
import type { OperatorView } from './render';
import type { WorkloadId } from './types';

const TIMEOUT_MS = 3000;

export function checkServerUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BerthError('E_USAGE', `--server "${url}" is not a URL`, 'e.g. http://127.0.0.1:7070');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new BerthError('E_USAGE', `--server "${url}": use http:// or https://`);
  return url.replace(/\/+$/, '');
}

export async function fetchStatus(server: string, timeoutMs = TIMEOUT_MS): Promise<StatusSnapshot> {
  const res = await fetch(`${server}/api/v1/status`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const body = (await res.json()) as Partial<StatusSnapshot>;
  if (typeof body !== 'object' || body === null || typeof body.phase !== 'string' || !Array.isArray(body.resources)) {
    throw new Error('the answer is not a berth status');
  }
  return body as StatusSnapshot;
}

/** Pure: the part of a status snapshot about one workload. */
export function operatorViewOf(server: string, s: StatusSnapshot, id: WorkloadId): OperatorView {
  const resource = s.resources.find((r) => r.kind === id.kind && r.namespace === id.namespace && r.name === id.name);
  return {
    type: 'seen',
    url: server,
    instance: s.instance,
    phase: s.phase,
    ...(s.lastAttemptedRevision ? { lastAttempted: s.lastAttemptedRevision } : {}),
    ...(s.lastAppliedRevision ? { lastApplied: s.lastAppliedRevision } : {}),
    ...(resource ? { resource } : {}),
  };
}

export async function operatorView(server: string, id: WorkloadId): Promise<OperatorView> {
  try {
    return operatorViewOf(server, await fetchStatus(server), id);
  } catch (err) {
    return { type: 'unreachable', url: server, error: messageOf(err) };
  }
}

/** The manifests folder the operator follows (its --path), when it answers; for a default --path. */
export async function operatorPath(server: string): Promise<string | undefined> {
  try {
    return (await fetchStatus(server)).source?.path;
  } catch {
    return undefined;
  }
}
