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

/** One measured phase of one target (a way of deploying). */
export interface PhaseRow {
  target: string;
  phase: string;
  result: LoadResult & { bodies?: Map<string, number>; failingMs?: number; maxGapMs?: number; failures?: { first: string; last: string } };
}

/**
 * A table per phase, one row per target: sent, failed, for how long requests failed (first
 * failed request sent to last one ended), the longest time without an answer, p50/p99/max
 * latency of the answered ones, versions served.
 */
export function formatPhases(rows: readonly PhaseRow[]): string {
  const header = ['target', 'secs', 'sent', 'failed', 'failed %', 'failing s', 'max gap s', 'p50 ms', 'p99 ms', 'max ms', 'served'];
  const out: string[] = [];
  for (const phase of [...new Set(rows.map((r) => r.phase))]) {
    const mine = rows.filter((r) => r.phase === phase);
    const lines = mine.map(({ target, result: r }) => [
      target,
      (r.durationMs / 1000).toFixed(1),
      String(r.sent),
      String(r.failed),
      r.sent ? ((100 * r.failed) / r.sent).toFixed(1) : '-',
      r.failed ? ((r.failingMs ?? NaN) / 1000).toFixed(2) : '-',
      ((r.maxGapMs ?? NaN) / 1000).toFixed(2),
      quantile(r.latencies, 0.5).toFixed(1),
      quantile(r.latencies, 0.99).toFixed(1),
      (r.latencies.at(-1) ?? NaN).toFixed(1),
      [...(r.bodies ?? new Map<string, number>())].map(([b, n]) => `${b}:${n}`).join(' ') || '-',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) =>
      cells
        .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
        .trimEnd();
    out.push(`-- ${phase}`, fmt(header), ...lines.map(fmt));
    for (const { target, result: r } of mine) {
      if (r.failed === 0) continue;
      const when = r.failures ? ` between ${r.failures.first} and ${r.failures.last}` : '';
      out.push(`   ${target} errors: ${JSON.stringify(r.errors)}${when}`);
    }
  }
  return out.join('\n');
}

/** `a / b` to two decimals, or a word when it is not a number (0 failures on both sides...). */
export function ratioText(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return 'n/a';
  if (b === 0) return a === 0 ? 'both 0' : 'inf';
  const r = a / b;
  return r > 0 && r < 0.01 ? r.toPrecision(2) : r.toFixed(2);
}
