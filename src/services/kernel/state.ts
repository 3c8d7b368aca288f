/**
 * `<stateDir>/proxy/<instance>/kernel-host.json` and `kernel-anchor-<pid>.json`: what berth
 * last put into the kernel for one namespace (the host's, or a ClusterIP Service's anchor's,
 * named by the anchor's pid), so that `berth get endpoints`,
 * a restarted operator and `berth delete` know which table to look at and where. The rules
 * themselves are the record of what forwards; this file only describes them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { proxyPaths, replaceFile } from '../proxy/files';
import { endpointKey, listenerKey, type ListenerState, type ProxyStatus } from '../proxy/types';
import type { RulesetWhere } from './ruleset';
import { compareText } from '../../util';

export const KERNEL_FORMAT = 1;

export interface KernelState {
  format: number;
  mode: 'kernel';
  table: string;
  where: RulesetWhere;
  /** The anchor's process (pid and kernel start time) whose network namespace holds the table. */
  anchor?: { pid: number; startTime?: number };
  generation: number;
  appliedAt: string;
  listeners: ListenerState[];
}

/** The file of the host's rules (no pid) or of an anchor's. */
export function kernelStatePath(stateDir: string, instance: string, anchorPid?: number): string {
  return join(proxyPaths(stateDir, instance).dir, anchorPid ? `kernel-anchor-${anchorPid}.json` : 'kernel-host.json');
}

/** Every kernel state file of an instance. */
export async function kernelStatePaths(stateDir: string, instance: string): Promise<string[]> {
  const dir = proxyPaths(stateDir, instance).dir;
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => /^kernel-(host|anchor-\d+)\.json$/.test(n))
    .sort()
    .map((n) => join(dir, n));
}

export async function writeKernelState(path: string, state: KernelState): Promise<void> {
  await replaceFile(path, JSON.stringify(state, null, 1) + '\n', dirname(path));
}

export async function readKernelState(path: string): Promise<KernelState | undefined> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as KernelState;
    return v && v.format === KERNEL_FORMAT && v.mode === 'kernel' && Array.isArray(v.listeners) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Pure: the status of kernel rules in the proxy's shape. `live`: the table is in the kernel;
 * `connections`: open connections per endpoint from conntrack; `counted`: connections
 * forwarded per listener chain since the rules were last written.
 */
export function kernelStatus(state: KernelState, live: boolean, connections: Record<string, number>, counted: (l: ListenerState) => number): ProxyStatus {
  const listed = new Set<string>();
  const listeners = state.listeners
    .map((l) => ({
      ...l,
      bound: l.bound && live,
      ...(live ? {} : { error: 'rules not in the kernel' }),
      forwarded: live ? counted(l) : 0,
      endpoints: l.endpoints.map((e) => {
        listed.add(endpointKey(e));
        return { ...e, connections: connections[endpointKey(e)] ?? 0 };
      }),
    }))
    .sort((a, b) => compareText(a.service, b.service) || compareText(listenerKey(a), listenerKey(b)));
  const draining = Object.entries(connections)
    .filter(([e, n]) => n > 0 && !listed.has(e))
    .map(([endpoint, n]) => ({ endpoint, connections: n }));
  return { running: live, publishedGeneration: state.generation, appliedGeneration: live ? state.generation : 0, listeners, draining };
}
