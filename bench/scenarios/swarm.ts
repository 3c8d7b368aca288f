/**
 * `npm run bench -- swarm`: a Deployment behind a NodePort on the 3-node test swarm
 * (scripts/test-swarm, a dockerd per network namespace), a rolling update v1 -> v2, then a
 * bad v3 (crashes) rolled back to v2 on its own, deployed two ways:
 * 1. berth: `berth run --engine swarm` on a local git repo; each version a commit; the bad
 *    one is failed and rolled back by the operator (the last good revision applied again).
 * 2. `docker stack deploy` of the equivalent compose file (same image, command, health
 *    check, host-mode port, update_config), with `failure_action: rollback`: the swarm
 *    rolls the bad version back itself.
 * A client requests the NodePort on every node throughout (a new connection each, two at a
 * time per node). Converged: no update in progress, `--replicas` tasks running, and every
 * node answering the version wanted. Time from the commit (berth) or the `stack deploy`
 * call to converged; failed requests per phase.
 *
 * 3. berth with its mesh (`--swarm-mesh-image`, the image built on each node with `berth
 *    swarm-mesh-image`): the 6 replicas, since the workload publishes no port; the
 *    mesh answers the NodePort on every node.
 *
 * Replicas of the first two default to 3: without IPVS there is no routing mesh, so a NodePort
 * is a host-mode port, at most one task per node (docs/swarm.md); 6 on 3 nodes would leave 3
 * pending, for berth and for `docker stack deploy` alike.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSwarmClient, type SwarmClient } from '../../src/runtime/swarm/client';
import type { Labels } from '../../src/runtime/types';
import { pollUntil, sleep } from '../../src/util/eventually';
import { startTestSwarm, type TestSwarm } from '../../test/helpers/swarm';
import { commit, initRepo } from '../lib/git';
import { withCleanup } from '../lib/interrupt';
import { BENCH_IMAGE } from '../lib/image';
import { CLI_MAIN, Operator } from '../lib/operator';
import { formatPhases, ratioText, type PhaseRow } from '../lib/report';
import type { BenchOptions, Scenario } from '../lib/scenario';
import { answers, Stream, type PhaseResult } from '../lib/stream';
import { APP_PATH, APP_PORT, CRASH_SCRIPT, serveScript } from '../lib/webApp';

const run = promisify(execFile);
const DELAY_MS = 50;
const NODE_PORT = 30480;
const BERTH = 'berth run --engine swarm';
const BERTH_MESH = 'berth run ... --swarm-mesh';
/** The replicas, for the way whose workload publishes no port (the mesh does). */
const MESH_REPLICAS = 6;
/** Services of a way but berth's mesh: the workload's. */
const appServices = async (client: SwarmClient, labels: Labels) => (await client.listServices(labels)).filter((s) => s.spec.Labels['io.berth.kind'] !== 'Mesh');
const STACK = 'docker stack deploy';
const PHASE = { update: 'rolling update v1 -> v2', bad: 'bad v3 (crashes) -> back to v2' };

/** What the way is asked to run: a version's script, and whether it is expected to fail. */
type Version = { name: string; script: string };
const V1: Version = { name: 'v1', script: serveScript('v1', DELAY_MS) };
const V2: Version = { name: 'v2', script: serveScript('v2', DELAY_MS) };
const V3: Version = { name: 'v3', script: CRASH_SCRIPT };

interface Way {
  name: string;
  /** Every node answers the NodePort (berth's mesh), not only those running a task. */
  everyNode: boolean;
  /** Labels of the way's services on the swarm. */
  labels: Labels;
  start(): Promise<void>;
  /** Asks for `v`; resolves once the request is made (a commit seen by berth, `stack deploy` returned). */
  deploy(v: Version): Promise<void>;
  stop(): Promise<void>;
}

function manifests(replicas: number, script: string): Record<string, string> {
  return {
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  minReadySeconds: 2
  progressDeadlineSeconds: 120
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          image: ${BENCH_IMAGE}
          imagePullPolicy: Never
          command: ${JSON.stringify(['sh', '-c', script])}
          ports: [{ containerPort: ${APP_PORT} }]
          readinessProbe: { httpGet: { path: /, port: ${APP_PORT} }, periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: ${APP_PORT}, nodePort: ${NODE_PORT} }]
`,
  };
}

/** The same app as a compose file, the way a swarm user writes it without IPVS (host-mode port, dnsrr). */
function composeFile(replicas: number, script: string, image: string): string {
  return JSON.stringify({
    version: '3.8',
    services: {
      web: {
        image,
        command: ['sh', '-c', script],
        ports: [{ target: APP_PORT, published: NODE_PORT, protocol: 'tcp', mode: 'host' }],
        healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${APP_PORT}/`], interval: '1s', timeout: '2s', retries: 1 },
        stop_grace_period: '3s',
        deploy: {
          replicas,
          endpoint_mode: 'dnsrr',
          restart_policy: { condition: 'any', delay: '1s' },
          update_config: { parallelism: 1, delay: '0s', order: 'stop-first', failure_action: 'rollback', monitor: '2s', max_failure_ratio: 0 },
          rollback_config: { parallelism: 1, delay: '0s', order: 'stop-first', monitor: '2s' },
        },
      },
    },
  });
}

/** Removes the services with `labels` and waits until none of their tasks runs. */
async function removeServices(client: SwarmClient, labels: Labels): Promise<void> {
  for (const s of await client.listServices(labels)) await client.removeService(s.id);
  await pollUntil(async () => ((await client.listTasks(labels)).some((t) => t.state === 'running') ? undefined : true), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: 'the services removed',
  });
}

class BerthWay implements Way {
  readonly name: string;
  readonly everyNode: boolean;
  readonly labels: Labels;
  private readonly op: Operator;
  private repo = '';

  constructor(
    private readonly root: string,
    manager: string,
    private readonly replicas: number,
    private readonly client: SwarmClient,
    meshImage?: string,
  ) {
    this.name = meshImage ? BERTH_MESH : BERTH;
    this.everyNode = meshImage !== undefined;
    const instance = `bswarm${meshImage ? 'm' : ''}${Date.now().toString(36)}`;
    this.labels = { 'io.berth.instance': instance };
    const mesh = meshImage ? ['--swarm-mesh-image', meshImage] : [];
    this.op = new Operator(instance, join(root, 'state'), ['--engine', 'swarm', ...mesh, '--repo', join(root, 'repo'), '--poll', '*/1 * * * * *'], {
      ...process.env,
      DOCKER_HOST: `unix://${manager}`,
    });
  }

  async start(): Promise<void> {
    this.repo = await initRepo(join(this.root, 'repo'));
  }

  async deploy(v: Version): Promise<void> {
    const sha = await commit(this.repo, manifests(this.replicas, v.script), `web ${v.name}`);
    if (!this.op.pid) await this.op.start();
    // berth's own verdict, logged beside the swarm's state: failed (and rolled back) for v3.
    void this.op.outcome(sha, v === V3 ? 'failed' : 'succeeded', 300_000).catch(() => undefined);
  }

  /** The operator, then its services: the next way needs the host port on every node. */
  async stop(): Promise<void> {
    await this.op.stop();
    await removeServices(this.client, this.labels);
  }

  tail(): string {
    return this.op.tail();
  }
}

class StackWay implements Way {
  readonly name = STACK;
  readonly everyNode = false;
  readonly labels: Labels;
  private readonly stack = `bstack${Date.now().toString(36)}`;

  constructor(
    private readonly root: string,
    private readonly manager: string,
    private readonly replicas: number,
    private readonly client: SwarmClient,
    /** The image by id, as berth names it under `imagePullPolicy: Never`: no node tries a registry. */
    private readonly image: string,
  ) {
    this.labels = { 'com.docker.stack.namespace': this.stack };
  }

  async start(): Promise<void> {}

  async deploy(v: Version): Promise<void> {
    const file = join(this.root, `${v.name}.yml`);
    await writeFile(file, composeFile(this.replicas, v.script, this.image));
    await run('docker', ['-H', `unix://${this.manager}`, 'stack', 'deploy', '--resolve-image', 'never', '-c', file, this.stack]);
  }

  async stop(): Promise<void> {
    await run('docker', ['-H', `unix://${this.manager}`, 'stack', 'rm', this.stack]).catch(() => undefined);
    await removeServices(this.client, this.labels);
  }
}

/** No update in progress, `replicas` tasks running, every node answering `version`. */
async function converged(client: SwarmClient, way: Way, replicas: number, addresses: string[], version: string): Promise<boolean> {
  const services = await appServices(client, way.labels);
  if (services.length !== 1) return false;
  const state = services[0].update?.state;
  if (state !== undefined && state !== 'completed' && state !== 'rollback_completed') return false;
  const tasks = (await client.listTasks(way.labels)).filter((t) => t.serviceId === services[0].id && t.desiredState === 'running');
  if (tasks.length !== replicas || tasks.some((t) => t.state !== 'running')) return false;
  const got = await Promise.all(addresses.map((a) => answers(a, NODE_PORT, APP_PATH, version)));
  return got.every(Boolean);
}

interface WayResult {
  rows: PhaseRow[];
  /** Seconds from the deploy (commit or `stack deploy`) to converged. */
  seconds: { initial: number; update: number; rollback: number };
}

async function measure(way: Way, client: SwarmClient, swarm: TestSwarm, opts: BenchOptions, replicas: number): Promise<WayResult> {
  // With host-mode ports a node answers only when it runs a task: the first `replicas` nodes' worth.
  const addresses = way.everyNode ? swarm.addresses : swarm.addresses.slice(0, Math.min(replicas, swarm.addresses.length));
  const timed = async (v: Version, expect: string, tried?: () => Promise<void>): Promise<number> => {
    const t0 = performance.now();
    await way.deploy(v);
    await tried?.();
    await pollUntil(async () => ((await converged(client, way, replicas, addresses, expect)) ? true : undefined), {
      timeoutMs: 300_000,
      intervalMs: 200,
      what: `${expect} on every node after ${v.name} (${way.name})`,
    });
    return (performance.now() - t0) / 1000;
  };
  await way.start();
  const initial = await timed(V1, 'v1');
  opts.log(`${way.name}: v1 on ${replicas} tasks, every node answering, ${initial.toFixed(1)} s after the deploy`);
  const streams = addresses.map((host) =>
    new Stream({ host, port: NODE_PORT, path: APP_PATH, concurrency: 2, pauseMs: 10, deadlineMs: 600_000, maxRequests: 200_000 }).start('steady (v1)'),
  );
  const phase = (name: string): void => streams.forEach((s) => s.phase(name));
  const seconds = { initial, update: NaN, rollback: NaN };
  let results: PhaseResult[][] = [];
  try {
    await sleep(opts.seconds * 1000);
    phase(PHASE.update);
    seconds.update = await timed(V2, 'v2');
    opts.log(`${way.name}: v2 converged ${seconds.update.toFixed(1)} s after the deploy`);
    phase(PHASE.bad);
    // "Back to v2" means something only once the swarm has begun the v3 update.
    const begun = (): Promise<void> =>
      pollUntil(async () => ((await appServices(client, way.labels))[0]?.update?.state === 'completed' ? undefined : true), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: `the v3 update to begin (${way.name})`,
      }).then(() => undefined);
    seconds.rollback = await timed(V3, 'v2', begun);
    opts.log(`${way.name}: v3 failed and v2 on every node again ${seconds.rollback.toFixed(1)} s after the deploy`);
    phase('after (v2)');
    await sleep(opts.seconds * 1000);
  } finally {
    results = await Promise.all(streams.map((s) => s.stop()));
  }
  return { rows: mergePhases(results).map((p) => ({ target: way.name, phase: p.phase, result: p })), seconds };
}

/** One row per phase over every node's stream: sums, and the worst node's gap and failing time. */
function mergePhases(perNode: PhaseResult[][]): PhaseResult[] {
  return (perNode[0] ?? []).map((first, i) => {
    const all = perNode.map((p) => p[i]);
    const bodies = new Map<string, number>();
    const errors: Record<string, number> = {};
    for (const p of all) {
      for (const [b, n] of p.bodies) bodies.set(b, (bodies.get(b) ?? 0) + n);
      for (const [e, n] of Object.entries(p.errors)) errors[e] = (errors[e] ?? 0) + n;
    }
    return {
      phase: first.phase,
      sent: all.reduce((n, p) => n + p.sent, 0),
      failed: all.reduce((n, p) => n + p.failed, 0),
      latencies: all.flatMap((p) => p.latencies).sort((a, b) => a - b),
      durationMs: Math.max(...all.map((p) => p.durationMs)),
      errors,
      bodies,
      failingMs: Math.max(...all.map((p) => p.failingMs)),
      maxGapMs: Math.max(...all.map((p) => p.maxGapMs)),
    };
  });
}

async function measureWay(way: Way, client: SwarmClient, swarm: TestSwarm, opts: BenchOptions, replicas: number): Promise<WayResult> {
  try {
    return await withCleanup(
      () => way.stop(),
      () => measure(way, client, swarm, opts, replicas),
    );
  } catch (err) {
    if (way instanceof BerthWay) opts.log(`berth said:\n${way.tail()}`);
    throw err;
  } finally {
    await way.stop();
  }
}

export const swarmBench: Scenario = {
  name: 'swarm',
  onlyWhenNamed: true,
  description: 'a Deployment behind a NodePort on a 3-node test swarm: rolling update and automatic rollback, berth vs docker stack deploy',
  async run(opts: BenchOptions): Promise<void> {
    const replicas = opts.replicas;
    const root = await realpath(await mkdtemp(join(tmpdir(), 'berth-bench-swarm-')));
    const swarm = await startTestSwarm(3);
    const cleanup = async (): Promise<void> => {
      await swarm.down();
      await rm(root, { recursive: true, force: true });
    };
    try {
      await withCleanup(cleanup, async () => {
        const client = createSwarmClient({ socketPath: swarm.sockets[0] });
        opts.log(`test swarm ${swarm.id}: 3 nodes (${swarm.addresses.join(', ')}); ${replicas} replicas, NodePort ${NODE_PORT} in host mode`);
        opts.log(`a new connection per request, 2 at a time to each node (10 ms pause each), answers take ~${DELAY_MS} ms; steady phases ${opts.seconds} s`);
        const results: WayResult[] = [];
        const image = (await client.inspectImage(BENCH_IMAGE))?.id ?? BENCH_IMAGE;
        const meshImage = await buildMeshImage(swarm, root);
        const ways: Way[] = [
          new BerthWay(join(root, 'berth'), swarm.sockets[0], replicas, client),
          new StackWay(root, swarm.sockets[0], replicas, client, image),
          new BerthWay(join(root, 'berth-mesh'), swarm.sockets[0], MESH_REPLICAS, client, meshImage),
        ];
        for (const way of ways) results.push(await measureWay(way, client, swarm, opts, way.everyNode ? MESH_REPLICAS : replicas));
        opts.log(formatPhases(results.flatMap((r) => r.rows)));
        opts.log('failing s / max gap s: of the node that fared worst (each node is asked on its own)');
        opts.log(timeTable(ways, results));
        const [b, s, m] = results;
        for (const phase of [PHASE.update, PHASE.bad]) {
          const failed = (r: WayResult) => r.rows.find((x) => x.phase === phase)?.result.failed ?? NaN;
          opts.log(
            `${phase}: failed requests berth ${failed(b)} vs docker stack deploy ${failed(s)} (ratio ${ratioText(failed(b), failed(s))}); berth with its mesh, ${MESH_REPLICAS} replicas: ${failed(m)}`,
          );
        }
        opts.log(
          `time to converge, berth / docker stack deploy: initial ${ratioText(b.seconds.initial, s.seconds.initial)}, update ${ratioText(b.seconds.update, s.seconds.update)}, bad -> back ${ratioText(b.seconds.rollback, s.seconds.rollback)}`,
        );
      });
    } finally {
      await cleanup();
    }
  },
};

/** The mesh's image on every node, with the command users run (no registry here). */
async function buildMeshImage(swarm: TestSwarm, root: string): Promise<string> {
  const tags = await Promise.all(
    swarm.sockets.map(async (socket, i) => {
      const { stdout } = await run(process.execPath, [CLI_MAIN, 'swarm-mesh-image', '--state-dir', join(root, `mesh-image-${i}`)], {
        env: { ...process.env, DOCKER_HOST: `unix://${socket}` },
      });
      return stdout.trim();
    }),
  );
  if (new Set(tags).size !== 1) throw new Error(`the nodes built different mesh images: ${tags.join(', ')}`);
  return tags[0];
}

function timeTable(ways: Way[], results: WayResult[]): string {
  const lines = ['seconds to converge      ' + ways.map((w) => w.name.padStart(26)).join('')];
  for (const [label, key] of [
    ['initial deploy (v1)', 'initial'],
    ['rolling update v1 -> v2', 'update'],
    ['bad v3 -> back to v2', 'rollback'],
  ] as const)
    lines.push(label.padEnd(25) + results.map((r) => r.seconds[key].toFixed(1).padStart(26)).join(''));
  return lines.join('\n');
}
