/**
 * The references for the operator's initial convergence at N (scaleOperator.ts, phase 8):
 * `docker-compose up -d` of the same N services, and `docker run -d` of the same N
 * containers, 8 at a time, on one user-defined network (as berth's pods are). Debian's
 * docker-compose 1.29 makes about ten container list calls per service, one after another,
 * before it creates anything (its convergence plan, twice for the legacy project name), and
 * each list costs the engine a walk over every container: at 500 services that is thousands
 * of calls; COMPOSE_PARALLEL_LIMIT does not change it (measured: 100 services, 840 list
 * calls and no container after 60 s with the limit at 8). So compose gets COMPOSE_CAP_MS
 * and the row says how far it got; `docker run` is the reference that finishes.
 */
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { runCmd } from '../lib/peers';
import { BENCH_IMAGE } from '../lib/image';
import { apps, command, composeFile, pool, POOL } from './scale';

const PROJECT = 'bench-scale-op';
const NETWORK = 'bench-scale-op-net';
const LABEL = 'io.berth.bench=scale-op-docker';
/** How long docker-compose may take before its row says how many it had created. */
export const COMPOSE_CAP_MS = 180_000;

/** How often the containers compose has created are counted while it runs. */
const COUNT_EVERY_MS = 2000;

/** Containers created by then: [seconds since `up` began, count], in time order. */
export type Timeline = [number, number][];

export type Reference =
  { type: 'done'; seconds: number } | { type: 'unfinished'; created: number; afterSeconds: number; timeline: Timeline } | { type: 'failed'; why: string };

const count = async (filter: string): Promise<number> => (await runCmd(['docker', 'ps', '-aq', '--filter', filter])).stdout.split('\n').filter(Boolean).length;

/** `docker-compose up -d` of N services in `dir`, capped; removed again before it returns. */
export async function composeUp(dir: string, n: number): Promise<Reference> {
  const file = join(dir, 'docker-compose.yml');
  await writeFile(file, composeFile(apps(n)));
  const compose = (...args: string[]) => runCmd(['docker-compose', '-p', PROJECT, '-f', file, ...args], { timeoutMs: COMPOSE_CAP_MS });
  const filter = `label=com.docker.compose.project=${PROJECT}`;
  const timeline: Timeline = [];
  let running = true;
  const t0 = performance.now();
  const counting = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, COUNT_EVERY_MS));
      if (running) timeline.push([(performance.now() - t0) / 1000, await count(filter)]);
    }
  })();
  try {
    const up = await compose('up', '-d').finally(() => (running = false));
    await counting;
    if (up.code === 0) return { type: 'done', seconds: up.ms / 1000 };
    const created = await count(filter);
    if (!up.error?.startsWith('timed out')) return { type: 'failed', why: up.stderr.slice(-500) };
    return { type: 'unfinished', created, afterSeconds: up.ms / 1000, timeline: [...timeline, [up.ms / 1000, created]] };
  } finally {
    await runCmd(['docker-compose', '-p', PROJECT, '-f', file, 'down', '-t', '0'], { timeoutMs: 600_000 });
  }
}

/** `docker run -d` of the same N containers, POOL at a time, on one user-defined network; removed again. */
export async function dockerRun(n: number): Promise<Reference> {
  const list = apps(n);
  await runCmd(['docker', 'network', 'create', '--label', LABEL, NETWORK]);
  try {
    const t0 = performance.now();
    const results = await pool(list, POOL, (a) =>
      runCmd(
        [
          'docker',
          'run',
          '-d',
          '--name',
          `${PROJECT}-${a.name}`,
          '--network',
          NETWORK,
          '--label',
          LABEL,
          '-e',
          `VERSION=${a.version}`,
          BENCH_IMAGE,
          ...command(a.name),
        ],
        {
          timeoutMs: 600_000,
        },
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    const bad = results.find((r) => r.code !== 0);
    return bad ? { type: 'failed', why: bad.stderr.slice(-500) } : { type: 'done', seconds };
  } finally {
    const ids = (await runCmd(['docker', 'ps', '-aq', '--filter', `label=${LABEL}`])).stdout.split('\n').filter(Boolean);
    for (let i = 0; i < ids.length; i += 50) await runCmd(['docker', 'rm', '-f', ...ids.slice(i, i + 50)], { timeoutMs: 600_000 });
    await runCmd(['docker', 'network', 'rm', NETWORK]);
  }
}

export function describeReference(r: Reference): string {
  switch (r.type) {
    case 'done':
      return `${r.seconds.toFixed(1)} s`;
    case 'unfinished':
      return `unfinished: ${r.created} containers created after ${r.afterSeconds.toFixed(0)} s (${(r.created / r.afterSeconds).toFixed(2)} a second)`;
    case 'failed':
      return `failed: ${r.why}`;
  }
}

/**
 * berth's convergence against a compose that did not finish, as what it is: a bound, not a
 * ratio. Compose's count at the first look at or after berth's time is at least what it had
 * then; nothing is extrapolated beyond what was counted.
 */
export function composeBound(berthSeconds: number, n: number, r: Extract<Reference, { type: 'unfinished' }>): string {
  const at = r.timeline.find(([s]) => s >= berthSeconds);
  if (!at) return `n/a (compose ran ${r.afterSeconds.toFixed(0)} s, less than berth's ${berthSeconds.toFixed(1)} s)`;
  if (at[1] >= n) return `n/a (compose had created all ${n} containers by ${at[0].toFixed(0)} s but had not finished)`;
  return `< 1.0x: when berth had all ${n} pods ready (${berthSeconds.toFixed(1)} s), compose had created at most ${at[1]} of ${n} containers (counted at ${at[0].toFixed(0)} s)`;
}
