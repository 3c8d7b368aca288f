/**
 * The thin client of berth's actions (`berth sync`, `berth rollout restart`): one POST to a
 * running `berth run`, with the token when given. Answers are typed; an unreachable server
 * is an answer too, not an exception.
 */
import type { ActionResult, WorkloadRef } from './actions';
import type { DashboardSnapshot } from './view/types';

const TIMEOUT_MS = 10_000;

export type ClientAnswer =
  { type: 'accepted'; message: string } | { type: 'refused'; status: number; message: string } | { type: 'unreachable'; message: string };

export async function postAction(server: string, path: string, body: Record<string, unknown>, token?: string): Promise<ClientAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    return {
      type: 'unreachable',
      message: `no berth answers at ${server}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
    };
  }
  const answer = (await res.json().catch(() => ({}))) as Partial<ActionResult> & { error?: string };
  const message = answer.message ?? answer.error ?? `HTTP ${res.status}`;
  return res.status === 202 ? { type: 'accepted', message } : { type: 'refused', status: res.status, message };
}

/** The workloads the operator runs now, to resolve a NAME without a kind. */
export async function fetchWorkloads(server: string): Promise<WorkloadRef[]> {
  const res = await fetch(`${server}/api/v1/view`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const snap = (await res.json()) as DashboardSnapshot;
  return snap.view.workloads.map((w) => ({ kind: w.kind as WorkloadRef['kind'], namespace: w.namespace, name: w.name }));
}
