/**
 * `npm run bench [-- [--requests N] [--concurrency C] [--keep-alive] [--seconds S] [--n N] [--operator] [--churn C] [--replicas R] [scenario ...]]`:
 * runs the scenarios of bench/scenarios/ one after another and prints their tables.
 * Everything runs on this machine (loopback and the local Docker engine), bounded in
 * count and time. Not a test: no assertion, numbers for people to compare.
 */
import { parseArgs } from 'node:util';
import * as os from 'node:os';
import { runPendingCleanups } from './lib/interrupt';
import { SCENARIOS } from './scenarios';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '8' },
      'keep-alive': { type: 'boolean', default: false },
      seconds: { type: 'string', default: '5' },
      n: { type: 'string', default: '50' },
      operator: { type: 'boolean', default: false },
      churn: { type: 'string', default: '100' },
      replicas: { type: 'string', default: '3' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name}: ${s.description}\n`);
    return 0;
  }
  const requests = bounded(values.requests, 2000, 1, 100_000);
  const concurrency = bounded(values.concurrency, 8, 1, 256);
  const seconds = bounded(values.seconds, 5, 1, 120);
  const n = Math.round(bounded(values.n, 50, 1, 1000));
  const churn = Math.round(bounded(values.churn, 100, 0, 10_000));
  const replicas = Math.round(bounded(values.replicas, 3, 1, 12));
  const unknown = positionals.filter((p) => !SCENARIOS.some((s) => s.name === p));
  if (unknown.length) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const chosen = positionals.length ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS.filter((s) => !s.onlyWhenNamed);
  process.stdout.write(`berth bench: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}\n`);
  let failed = 0;
  for (const s of chosen) {
    process.stdout.write(`\n== ${s.name}: ${s.description}\n`);
    try {
      await s.run({
        requests,
        concurrency,
        keepAlive: values['keep-alive'] ?? false,
        seconds,
        n,
        operator: values.operator ?? false,
        churn,
        replicas,
        log: (l) => process.stdout.write(l + '\n'),
      });
    } catch (err) {
      failed++;
      process.stdout.write(`scenario ${s.name} failed: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

/** `text` as a number clamped to lo..hi, or `fallback` when it is not a number. */
function bounded(text: string | undefined, fallback: number, lo: number, hi: number): number {
  const n = Number(text);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stdout.write(`\n${signal}: removing what the running scenario created...\n`);
    void runPendingCleanups().then(() => process.exit(130));
  });
}

main().then((code) => process.exit(code));
