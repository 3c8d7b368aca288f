/** Resource use beside the tree's nodes: CPU in millicores, memory in MiB, against limits; a small history graph. */
import type { ContainerUsage, WorkloadUsage } from '../src/monitor/usage';

export const milli = (cores: number): string => `${Math.round(cores * 1000)}m`;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)}Mi`;
const rate = (bps: number): string => (bps < 1024 ? `${Math.round(bps)} B/s` : `${(bps / 1024).toFixed(1)} KiB/s`);

/** A polyline of the last samples, scaled to its own maximum (or the limit when given). */
export function Sparkline({ values, max, label }: { values: number[]; max?: number; label: string }) {
  const w = 80;
  const h = 18;
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const pts = values.map((v, i) => `${values.length === 1 ? w : (i / (values.length - 1)) * w},${h - (v / top) * (h - 2) - 1}`).join(' ');
  return (
    <svg class="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={pts} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}

function ofLimit(v: number, limit: number | undefined, fmt: (n: number) => string): string {
  return limit ? `${fmt(v)} / ${fmt(limit)} (${Math.round((v / limit) * 100)}%)` : fmt(v);
}

export function ContainerUse({ u }: { u: ContainerUsage }) {
  const memNear = u.memoryLimitBytes !== undefined && u.memoryBytes > 0.9 * u.memoryLimitBytes;
  return (
    <span class="use" data-usage={`${u.pod}/${u.container}`}>
      <span title="CPU">cpu {ofLimit(u.cpuCores, u.cpuLimitCores, milli)}</span> <Sparkline values={u.history.cpu} max={u.cpuLimitCores} label="CPU history" />{' '}
      <span class={memNear ? 'near' : ''} title="memory (working set)">
        mem {ofLimit(u.memoryBytes, u.memoryLimitBytes, mib)}
      </span>{' '}
      <Sparkline values={u.history.memory} max={u.memoryLimitBytes} label="memory history" />
      {(u.rxBytesPerSecond > 0 || u.txBytesPerSecond > 0) && (
        <span title="network">
          {' '}
          ↓{rate(u.rxBytesPerSecond)} ↑{rate(u.txBytesPerSecond)}
        </span>
      )}
    </span>
  );
}

export function WorkloadUse({ u }: { u: WorkloadUsage }) {
  return (
    <span class="use total" data-workload-usage={u.workload}>
      cpu {ofLimit(u.cpuCores, u.cpuLimitCores, milli)} · mem {ofLimit(u.memoryBytes, u.memoryLimitBytes, mib)} · {u.restarts} restart(s)
    </span>
  );
}
