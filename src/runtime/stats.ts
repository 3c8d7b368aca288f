/**
 * One sample of a container's resource use, from the engine's one-shot stats (pure
 * translation). Counters (CPU seconds, network bytes) are cumulative as the engine keeps
 * them: rates come from two samples (monitor/usage.ts). Memory is the working set as the
 * kubelet counts it (cAdvisor): usage minus inactive file cache, the figure the OOM killer
 * and `kubectl top` go by. A container that does not run reports zeros.
 */
import type { ContainerStats } from './types';

/** The part of Docker's GET /containers/{id}/stats answer berth reads (cgroup v1 and v2). */
export interface ApiStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

export function toContainerStats(s: ApiStats, at: number): ContainerStats {
  const usage = s.memory_stats?.usage ?? 0;
  const st = s.memory_stats?.stats ?? {};
  const inactive = st.inactive_file ?? st.total_inactive_file ?? 0;
  const nets = Object.values(s.networks ?? {});
  return {
    at,
    cpuSeconds: (s.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
    memoryBytes: Math.max(0, usage - inactive),
    ...(s.memory_stats?.limit ? { memoryLimitBytes: s.memory_stats.limit } : {}),
    rxBytes: nets.reduce((n, x) => n + (x.rx_bytes ?? 0), 0),
    txBytes: nets.reduce((n, x) => n + (x.tx_bytes ?? 0), 0),
  };
}
