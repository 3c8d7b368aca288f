/**
 * The proxy process: `node dist/src/services/proxy/main.js --state-dir DIR --instance NAME`.
 * Started detached by ProxySupervisor so it outlives the operator; serves the host ports of
 * NodePort/LoadBalancer Services from `<DIR>/proxy/<NAME>/endpoints.json`.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLogger } from '../../util';
import { messageOf } from '../../util';
import { startDaemon } from './daemon';

function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: ${v} is not a positive integer`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'state-dir': { type: 'string' },
      instance: { type: 'string' },
      nonce: { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'bind-retry-ms': { type: 'string' },
      'udp-idle-ms': { type: 'string' },
      'poll-ms': { type: 'string' },
      'owner-check-ms': { type: 'string' },
    },
  });
  const stateDir = values['state-dir'];
  const instance = values.instance;
  if (!stateDir || !instance) {
    process.stderr.write('usage: main.js --state-dir DIR --instance NAME [--nonce N] [--connect-timeout-ms N]\n');
    return 2;
  }
  const log = createLogger({ instance, destination: process.stdout }).child({ component: 'proxy', pid: process.pid });
  const started = await startDaemon({
    stateDir,
    instance,
    nonce: values.nonce ?? randomBytes(8).toString('hex'),
    log,
    connectTimeoutMs: intOption(values['connect-timeout-ms'], 'connect-timeout-ms'),
    bindRetryMs: intOption(values['bind-retry-ms'], 'bind-retry-ms'),
    udpIdleMs: intOption(values['udp-idle-ms'], 'udp-idle-ms'),
    pollMs: intOption(values['poll-ms'], 'poll-ms'),
    ownerCheckMs: intOption(values['owner-check-ms'], 'owner-check-ms'),
  });
  if (started.kind === 'already-running') {
    log.info({ holder: started.holder.pid }, 'a proxy already runs for this instance; leaving');
    return 0;
  }
  const { daemon } = started;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => void daemon.stop(sig));
  process.on('SIGHUP', () => log.info('SIGHUP ignored'));
  // Traffic matters more than a clean crash: a bug in one connection must not drop the others.
  process.on('uncaughtException', (err) => log.error({ err: messageOf(err), stack: err.stack }, 'uncaught exception; proxy keeps running'));
  log.info({ stateDir, instance }, 'proxy started');
  const why = await daemon.done;
  log.info({ why }, 'proxy stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`berth proxy: ${messageOf(err)}\n`);
    process.exit(1);
  },
);
