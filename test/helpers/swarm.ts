/**
 * A real Docker Swarm of a few nodes on this machine, made by scripts/test-swarm: one dockerd
 * per node, each in its own network namespace, data root and socket; node 1 is the manager.
 * Tests address only the nodes' sockets and their addresses on the swarm's own bridge.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '../../src/util/eventually';

const run = promisify(execFile);
const SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'test-swarm');

export interface TestSwarm {
  id: string;
  /** Unix sockets of the nodes' engines, node 1 (the manager) first. */
  sockets: string[];
  /** The nodes' addresses on the swarm's bridge (reachable from this namespace). */
  addresses: string[];
  /** Stops node K's dockerd (1-based): the manager sees it Down, its tasks are rescheduled. */
  stopNode(k: number): Promise<void>;
  startNode(k: number): Promise<void>;
  down(): Promise<void>;
}

/**
 * Makes a swarm of `nodes` nodes; leftovers of crashed runs (over an hour old) are removed first.
 * `prefix` starts the swarm's id (at most 6 characters in all), so each test file's swarms are told apart.
 */
export async function startTestSwarm(nodes = 3, prefix = ''): Promise<TestSwarm> {
  await run(SCRIPT, ['clean', '60']);
  const id = (prefix + randomBytes(3).toString('hex')).slice(0, 6);
  const out = await run(SCRIPT, ['up', id, String(nodes)], { maxBuffer: 1 << 20 }).catch(async (err: Error) => {
    await run(SCRIPT, ['down', id]).catch(() => undefined);
    throw err;
  });
  const sockets = out.stdout.trim().split('\n');
  const dir = `/run/berth-swarm-${id}`;
  const subnet = readFileSync(join(dir, 'subnet'), 'utf8').trim();
  return {
    id,
    sockets,
    addresses: sockets.map((_, i) => `${subnet}.1${i + 1}`),
    async stopNode(k) {
      const pid = Number(readFileSync(join(dir, `n${k}`, 'dockerd.pid'), 'utf8'));
      process.kill(pid, 'SIGTERM'); // dockerd stops its containers, then exits
      await pollUntil(() => (alive(pid) ? undefined : true), { timeoutMs: 60_000, what: `dockerd of node ${k} to exit` });
    },
    async startNode(k) {
      await run(SCRIPT, ['start-node', id, String(k)]);
    },
    async down() {
      await run(SCRIPT, ['down', id]);
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
