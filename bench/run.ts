/**
 * `npm run bench [-- [--requests N] [--concurrency C] [--keep-alive] [scenario ...]]`:
 * runs the scenarios of bench/scenarios/ one after another and prints their tables.
 * Everything runs on this machine (loopback and the local Docker engine), bounded in
 * count and time. Not a test: no assertion, numbers for people to compare.
 */
import { parseArgs } from 'node:util';
import * as os from 'node:os';
import { SCENARIOS } from './scenarios';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '8' },
      'keep-alive': { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const s of SCENARIOS) process.stdout.write(`${s.name}: ${s.description}\n`);
    return 0;
  }
  const requests = Math.min(100_000, Math.max(1, Number(values.requests)));
  const concurrency = Math.min(256, Math.max(1, Number(values.concurrency)));
  const unknown = positionals.filter((p) => !SCENARIOS.some((s) => s.name === p));
  if (unknown.length) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const chosen = positionals.length ? SCENARIOS.filter((s) => positionals.includes(s.name)) : SCENARIOS;
  process.stdout.write(`berth bench: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()} ${os.release()}\n`);
  let failed = 0;
  for (const s of chosen) {
    process.stdout.write(`\n== ${s.name}: ${s.description}\n`);
    try {
      await s.run({ requests, concurrency, keepAlive: values['keep-alive'] ?? false, log: (l) => process.stdout.write(l + '\n') });
    } catch (err) {
      failed++;
      process.stdout.write(`scenario ${s.name} failed: ${(err as Error).message}\n`);
    }
  }
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
