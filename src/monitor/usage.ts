/**
 * Resource use per container and per workload, from two samples of the engine's stats
 * (pure): CPU in cores (CPU seconds per second, as `kubectl top` shows millicores), memory
 * as the working set, network in bytes per second, each compared with the limits the
 * manifests set. A short history of each is kept for the dashboard's graphs.
 */
import type { ContainerStats } from '../runtime';

export interface ContainerUsage {
  namespace: string;
  pod: string;
  container: string;
  /** `Deployment/ns/name` of the pod's workload. */
  workload: string;
  cpuCores: number;
  /** The CPU counter (seconds), for /metrics' container_cpu_usage_seconds_total. */
  cpuSeconds: number;
  memoryBytes: number;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  rxBytes: number;
  txBytes: number;
  /** The pod's restarts (the most of its containers: counted per pod). */
  restarts: number;
  /** resources.limits of the manifest, when set. */
  cpuLimitCores?: number;
  memoryLimitBytes?: number;
  /** Oldest first: CPU cores and memory bytes of the last samples. */
  history: { cpu: number[]; memory: number[] };
}

export interface WorkloadUsage {
  workload: string;
  pods: number;
  cpuCores: number;
  memoryBytes: number;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  restarts: number;
  cpuLimitCores?: number;
  memoryLimitBytes?: number;
}

/** Per second, from two samples of a counter; 0 without an earlier sample or after a reset (a restart). */
export function ratePerSecond(prev: number | undefined, cur: number, prevAt: number | undefined, at: number): number {
  if (prev === undefined || prevAt === undefined || at <= prevAt || cur < prev) return 0;
  return (cur - prev) / ((at - prevAt) / 1000);
}

export function rates(prev: ContainerStats | undefined, cur: ContainerStats): { cpuCores: number; rxBytesPerSecond: number; txBytesPerSecond: number } {
  return {
    cpuCores: ratePerSecond(prev?.cpuSeconds, cur.cpuSeconds, prev?.at, cur.at),
    rxBytesPerSecond: ratePerSecond(prev?.rxBytes, cur.rxBytes, prev?.at, cur.at),
    txBytesPerSecond: ratePerSecond(prev?.txBytes, cur.txBytes, prev?.at, cur.at),
  };
}

/** Sums per workload; a limit only when every container of it has one (else the sum means nothing). */
export function byWorkload(usage: readonly ContainerUsage[]): WorkloadUsage[] {
  const groups = new Map<string, ContainerUsage[]>();
  for (const u of usage) groups.set(u.workload, [...(groups.get(u.workload) ?? []), u]);
  return [...groups].map(([workload, us]) => {
    const sum = (f: (u: ContainerUsage) => number) => us.reduce((n, u) => n + f(u), 0);
    const restartsPerPod = new Map(us.map((u) => [u.pod, u.restarts]));
    return {
      workload,
      pods: restartsPerPod.size,
      cpuCores: sum((u) => u.cpuCores),
      memoryBytes: sum((u) => u.memoryBytes),
      rxBytesPerSecond: sum((u) => u.rxBytesPerSecond),
      txBytesPerSecond: sum((u) => u.txBytesPerSecond),
      restarts: [...restartsPerPod.values()].reduce((n, r) => n + r, 0),
      ...(us.every((u) => u.cpuLimitCores !== undefined) ? { cpuLimitCores: sum((u) => u.cpuLimitCores!) } : {}),
      ...(us.every((u) => u.memoryLimitBytes !== undefined) ? { memoryLimitBytes: sum((u) => u.memoryLimitBytes!) } : {}),
    };
  });
}
