/**
 * A bounded HTTP load: `requests` GETs, `concurrency` at a time, each on a fresh
 * connection (what a load balancer sees as a new connection), with a per-request timeout
 * and an overall deadline, so a run always ends by itself.
 */
import * as http from 'node:http';

export interface LoadOptions {
  host: string;
  port: number;
  requests: number;
  concurrency: number;
  timeoutMs?: number;
  /** Stop sending after this long, whatever is left (default 120 s). */
  deadlineMs?: number;
  keepAlive?: boolean;
}

export interface LoadResult {
  sent: number;
  failed: number;
  /** Milliseconds per successful request, sorted. */
  latencies: number[];
  durationMs: number;
  errors: Record<string, number>;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = o.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: o.concurrency }) : undefined;
  const result: LoadResult = { sent: 0, failed: 0, latencies: [], durationMs: 0, errors: {} };
  const started = performance.now();
  const deadline = started + (o.deadlineMs ?? 120_000);
  const worker = async (): Promise<void> => {
    while (result.sent < o.requests && performance.now() < deadline) {
      result.sent++;
      const t0 = performance.now();
      try {
        await request(o, agent);
        result.latencies.push(performance.now() - t0);
      } catch (err) {
        result.failed++;
        const key = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        result.errors[key] = (result.errors[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  result.durationMs = performance.now() - started;
  result.latencies.sort((a, b) => a - b);
  agent?.destroy();
  return result;
}

function request(o: LoadOptions, agent: http.Agent | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: o.host, port: o.port, path: '/', agent: agent ?? false, timeout: o.timeoutMs ?? 5000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', reject);
  });
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}
