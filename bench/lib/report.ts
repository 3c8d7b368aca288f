/** Printing results side by side: one row per target, ratios against a baseline row. */
import { quantile, type LoadResult } from './load';

export interface Row {
  target: string;
  result: LoadResult;
}

export function formatRows(rows: readonly Row[], baseline?: string): string {
  const base = rows.find((r) => r.target === baseline)?.result;
  const header = ['target', 'sent', 'failed', 'p50 ms', 'p99 ms', 'req/s', ...(base ? ['p50 x', 'p99 x', 'req/s x'] : [])];
  const lines = rows.map((r) => {
    const p50 = quantile(r.result.latencies, 0.5);
    const p99 = quantile(r.result.latencies, 0.99);
    const rps = ((r.result.sent - r.result.failed) * 1000) / r.result.durationMs;
    const cells = [r.target, String(r.result.sent), String(r.result.failed), p50.toFixed(2), p99.toFixed(2), rps.toFixed(0)];
    if (base) {
      const bRps = ((base.sent - base.failed) * 1000) / base.durationMs;
      cells.push(ratio(p50, quantile(base.latencies, 0.5)), ratio(p99, quantile(base.latencies, 0.99)), ratio(rps, bRps));
    }
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const errors = rows.filter((r) => r.result.failed > 0).map((r) => `  ${r.target} errors: ${JSON.stringify(r.result.errors)}`);
  return [fmt(header), ...lines.map(fmt), ...errors].join('\n');
}

function ratio(v: number, b: number): string {
  return Number.isFinite(v) && Number.isFinite(b) && b > 0 ? (v / b).toFixed(2) : '-';
}
