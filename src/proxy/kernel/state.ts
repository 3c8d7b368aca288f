/**
 * `<stateDir>/proxy/<name>/kernel.json`: what berth last put into the kernel for one
 * namespace (the host's, or a ClusterIP Service's anchor's), so that `berth get endpoints`,
 * a restarted operator and `berth delete` know which table to look at and where. The rules
 * themselves are the record of what forwards; this file only describes them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { proxyPaths, replaceFile } from '../files';
import { endpointKey, listenerKey, type ListenerState, type ProxyStatus } from '../types';
import type { RulesetWhere } from './ruleset';

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

export function kernelStatePath(stateDir: string, name: string): string {
  return join(proxyPaths(stateDir, name).dir, 'kernel.json');
}

export async function writeKernelState(stateDir: string, name: string, state: KernelState): Promise<void> {
  await replaceFile(kernelStatePath(stateDir, name), JSON.stringify(state, null, 1) + '\n', proxyPaths(stateDir, name).dir);
}

export async function readKernelState(stateDir: string, name: string): Promise<KernelState | undefined> {
  try {
    const v = JSON.parse(await readFile(kernelStatePath(stateDir, name), 'utf8')) as KernelState;
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
    .sort((a, b) => a.service.localeCompare(b.service) || listenerKey(a).localeCompare(listenerKey(b)));
  const draining = Object.entries(connections)
    .filter(([e, n]) => n > 0 && !listed.has(e))
    .map(([endpoint, n]) => ({ endpoint, connections: n }));
  return { running: live, publishedGeneration: state.generation, appliedGeneration: live ? state.generation : 0, listeners, draining };
}
