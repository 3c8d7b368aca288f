/**
 * Many small workloads: N single-pod Deployments (busybox `httpd -f -p 8080` serving a
 * small page, terminationGracePeriodSeconds 2, no Service, no probes), deployed four ways,
 * one after another, each removed before the next:
 *   1. berth: `berth apply DIR` of N manifests, `apply` again unchanged, `apply` with one
 *      Deployment's env changed, `berth delete DIR`;
 *   2. docker-compose (Debian's 1.29): `up -d` of N services, `up -d` again, `up -d` with one
 *      service's environment changed, `down`;
 *   3. podman kube play (Debian's 4.3): `kube play` of the N Deployments, `kube play --replace`
 *      with one changed, `kube down`;
 *   4. raw docker: `docker run -d` of the N containers 8 at a time, `docker rm -f` 8 at a time.
 * Each cell is the wall clock of the command(s) until they exit 0. Nothing is asserted.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime, type DockerRuntime } from '../../src/runtime/docker';
import { LABEL } from '../../src/runtime/types';
import { removeInstance } from '../lib/docker';
import { BENCH_IMAGE, ensureBenchImage } from '../lib/image';
import { withCleanup } from '../lib/interrupt';
import { CLI_MAIN } from '../lib/operator';
import { findPeers, killRunning, preparePodman, runCmd, tail, type CmdResult } from '../lib/peers';
import { ratioText } from '../lib/report';
import type { BenchOptions, Scenario } from '../lib/scenario';
import { scaleOperator } from './scaleOperator';

export const DEFAULT_N = 50;
const INSTANCE = 'bench-scale';
const PROJECT = 'bench-scale';
const GRACE_SECONDS = 2;
export const POOL = 8;
const PORT = 8080;

/**
 * `deploy, no wait`: berth apply --no-wait (start everything, wait for no readiness), which
 * is what `up -d`, `kube play` and `docker run -d` do: for them it is their initial deploy.
 */
const PHASES = ['initial deploy', 'no-op re-apply', 'change one', 'teardown', 'deploy, no wait'] as const;
type Phase = (typeof PHASES)[number];
const WAYS = ['berth', 'docker-compose', 'podman kube play', `docker run x${POOL}`] as const;
type Way = (typeof WAYS)[number];

/** Seconds, or why there is no number: '-' (not measured this way), 'failed', 'not installed'. */
type Cell = number | string;
type Results = Map<Way, Map<Phase, Cell>>;

/** The N workloads: names scale-001..., and the one that "change one" edits (the first). */
interface App {
  name: string;
  version: number;
}

export function apps(n: number, changed = false): App[] {
  const width = Math.max(3, String(n).length);
  return Array.from({ length: n }, (_, i) => ({ name: `scale-${String(i + 1).padStart(width, '0')}`, version: changed && i === 0 ? 2 : 1 }));
}

/** The command of every container: a page with its name, busybox httpd in the foreground as PID 1. */
export function command(name: string): string[] {
  return ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p ${PORT} -h /www`];
}

/** Label io.berth.bench=scale-<way> on every container, to count (and, for the peers, remove) them. */
const BENCH_LABEL = 'io.berth.bench';

/**
 * One Deployment. No `ports:` list: no Service uses it, and podman 4.3's kube play would
 * publish a bare containerPort on the host (N pods on host port 8080).
 */
function deployment(app: App, way: string): string {
  const labels = `{ app: ${app.name}, ${BENCH_LABEL}: ${way} }`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app.name}
  labels: ${labels}
spec:
  replicas: 1
  selector: { matchLabels: { app: ${app.name} } }
  template:
    metadata: { labels: ${labels} }
    spec:
      terminationGracePeriodSeconds: ${GRACE_SECONDS}
      containers:
        - name: httpd
          image: ${BENCH_IMAGE}
          imagePullPolicy: Never
          command: ${JSON.stringify(command(app.name))}
          env: [{ name: VERSION, value: "${app.version}" }]
`;
}

export function composeFile(list: readonly App[]): string {
  const services = list.map((a) =>
    [
      `  ${a.name}:`,
      `    image: ${BENCH_IMAGE}`,
      '    pull_policy: never',
      `    command: ${JSON.stringify(command(a.name))}`,
      `    environment: { VERSION: "${a.version}" }`,
      `    stop_grace_period: ${GRACE_SECONDS}s`,
      `    labels: { app: ${a.name}, ${BENCH_LABEL}: scale-compose }`,
    ].join('\n'),
  );
  return ['version: "2.4"', 'services:', ...services, ''].join('\n');
}

/** `fn` over `items`, at most `limit` at a time; results in order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const once = <T>(f: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
};

/** Ids of a way's app containers (running, or all with `all`), to count what a phase left. */
async function ids(argv: string[]): Promise<string[]> {
  const r = await runCmd(argv, { timeoutMs: 60_000 });
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Runs a way's phases in order; a failed phase ends that way (its later cells stay '-'). */
class Recorder {
  private failed = false;
  private before: string[] = [];

  constructor(
    private readonly way: Way,
    private readonly results: Results,
    private readonly log: (line: string) => void,
    private readonly containers: (all: boolean) => Promise<string[]>,
    private readonly n: number,
  ) {}

  set(phase: Phase, cell: Cell): void {
    this.results.get(this.way)!.set(phase, cell);
  }

  /**
   * Times `body` (one command, or several such as a pool of them); the phase's cell is its
   * wall clock when every command exited 0, else 'failed' with the output's tail printed.
   */
  async phase(phase: Phase, body: () => Promise<CmdResult | CmdResult[]>, say?: (r: CmdResult) => string): Promise<boolean> {
    if (this.failed) return false;
    const t0 = performance.now();
    const got = await body();
    const secs = (performance.now() - t0) / 1000;
    const all = Array.isArray(got) ? got : [got];
    const bad = all.find((r) => r.code !== 0);
    if (bad) {
      this.failed = true;
      this.set(phase, 'failed');
      this.log(
        `${this.way}: ${phase} failed after ${secs.toFixed(1)} s${all.length > 1 ? ` (${all.filter((r) => r.code !== 0).length} of ${all.length} commands)` : ''}:\n${tail(bad)}`,
      );
      return false;
    }
    this.set(phase, secs);
    const teardown = phase === 'teardown';
    const now = await this.containers(teardown);
    const fresh = now.filter((id) => !this.before.includes(id)).length;
    const state = teardown ? `${now.length} container(s) left` : `${now.length} of ${this.n} running${phase === 'initial deploy' ? '' : `, ${fresh} new`}`;
    const said = say && !Array.isArray(got) ? `; it said: ${say(got)}` : '';
    this.log(`${this.way}: ${phase} ${secs.toFixed(1)} s (${state})${said}`);
    this.before = now;
    return true;
  }
}

/** The last non-empty line of a command's stdout. */
const lastLine = (r: CmdResult): string => JSON.stringify(r.stdout.trim().split('\n').at(-1) ?? '');

/** Commands get room for N of everything, each taking a grace period, and then some. */
const timeout = (n: number): number => (60 + 6 * n) * 1000;

interface Ctx {
  n: number;
  root: string;
  rt: DockerRuntime;
  results: Results;
  log: (line: string) => void;
  /** Set on Ctrl-C: no further way starts. */
  stopped: boolean;
  /** The running way's cleanup, for Ctrl-C (it needs the temp dir, removed after it). */
  current?: () => Promise<void>;
}

/**
 * Runs a way's `body`, then its `cleanup` once (also after a failure, or on Ctrl-C: then
 * the commands still running are stopped first).
 */
async function guarded(ctx: Ctx, cleanup: () => Promise<void>, body: () => Promise<void>): Promise<void> {
  if (ctx.stopped) return;
  const c = once(async () => {
    await killRunning();
    await cleanup();
  });
  ctx.current = c;
  try {
    await body();
  } finally {
    await c();
    ctx.current = undefined;
  }
}

async function berthWay(ctx: Ctx): Promise<void> {
  const dir = join(ctx.root, 'berth', 'manifests');
  const stateDir = join(ctx.root, 'berth', 'state');
  await mkdir(dir, { recursive: true });
  const write = async (list: readonly App[]): Promise<void> => {
    for (const a of list) await writeFile(join(dir, `${a.name}.yaml`), deployment(a, 'scale-berth'));
  };
  const berth = (...args: string[]): Promise<CmdResult> =>
    runCmd([process.execPath, CLI_MAIN, ...args, dir, '--instance', INSTANCE, '--state-dir', stateDir], { timeoutMs: timeout(ctx.n) });
  const containers = (all: boolean): Promise<string[]> =>
    ids(['docker', 'ps', '-q', ...(all ? ['-a'] : []), '--filter', `label=${LABEL.instance}=${INSTANCE}`]);
  const rec = new Recorder('berth', ctx.results, ctx.log, containers, ctx.n);
  let applied = false;
  const cleanup = async (): Promise<void> => {
    if (applied) {
      ctx.log(`berth: removing instance ${INSTANCE} with berth delete (each pod gets its ${GRACE_SECONDS} s grace)...`);
      const d = await berth('delete');
      if (d.code !== 0) ctx.log(`berth: cleanup's berth delete failed (removing by label instead):\n${tail(d)}`);
    }
    await leftovers(ctx, 'berth delete');
  };
  await guarded(ctx, cleanup, async () => {
    await write(apps(ctx.n));
    const v = await runCmd([process.execPath, CLI_MAIN, 'validate', dir], { timeoutMs: 60_000 });
    if (v.code !== 0) {
      rec.set('initial deploy', 'failed');
      ctx.log(`berth: the manifests do not validate:\n${tail(v)}`);
      return;
    }
    applied = true;
    if (!(await rec.phase('initial deploy', () => berth('apply'), lastLine))) return;
    if (!(await rec.phase('no-op re-apply', () => berth('apply'), lastLine))) return;
    await write(apps(ctx.n, true).slice(0, 1));
    if (!(await rec.phase('change one', () => berth('apply'), lastLine))) return;
    if (!(await rec.phase('teardown', () => berth('delete'), lastLine))) return;
    await write(apps(ctx.n));
    await rec.phase('deploy, no wait', () => berth('apply', '--no-wait'), lastLine);
  });
}

/** What of the berth instance is still on the engine after `after`: printed, then removed. */
async function leftovers(ctx: Ctx, after: string): Promise<void> {
  const sel = { [LABEL.instance]: INSTANCE };
  const left = [
    ...(await ctx.rt.listContainers(sel)).map((c) => `container ${c.name}`),
    ...(await ctx.rt.listNetworks(sel)).map((n) => `network ${n.name}`),
    ...(await ctx.rt.listVolumes(sel)).map((v) => `volume ${v.name}`),
  ];
  if (!left.length) return;
  ctx.log(`berth: after ${after}, still on the engine (removed now): ${left.join(', ')}`);
  await removeInstance(ctx.rt, INSTANCE).catch((err: Error) => ctx.log(`berth: removing instance ${INSTANCE} failed: ${err.message}`));
}

async function composeWay(ctx: Ctx): Promise<void> {
  const dir = join(ctx.root, 'compose');
  const file = join(dir, 'docker-compose.yml');
  await mkdir(dir, { recursive: true });
  const compose = (...args: string[]): Promise<CmdResult> => runCmd(['docker-compose', '-p', PROJECT, '-f', file, ...args], { timeoutMs: timeout(ctx.n) });
  const containers = (all: boolean): Promise<string[]> =>
    ids(['docker', 'ps', '-q', ...(all ? ['-a'] : []), '--filter', `label=com.docker.compose.project=${PROJECT}`]);
  const rec = new Recorder('docker-compose', ctx.results, ctx.log, containers, ctx.n);
  const cleanup = async (): Promise<void> => {
    // down takes the grace from stop_grace_period; -t 0 here only to be quick after a failure or Ctrl-C.
    const d = await compose('down', '-t', '0', '--remove-orphans');
    if (d.code !== 0) ctx.log(`docker-compose: cleanup's down failed:\n${tail(d)}`);
    const left = await containers(true);
    if (left.length) {
      ctx.log(`docker-compose: ${left.length} container(s) of project ${PROJECT} left after down; removing them`);
      await runCmd(['docker', 'rm', '-f', ...left], { timeoutMs: timeout(ctx.n) });
    }
  };
  await guarded(ctx, cleanup, async () => {
    await writeFile(file, composeFile(apps(ctx.n)));
    if (!(await rec.phase('initial deploy', () => compose('up', '-d')))) return;
    if (!(await rec.phase('no-op re-apply', () => compose('up', '-d')))) return;
    await writeFile(file, composeFile(apps(ctx.n, true)));
    if (!(await rec.phase('change one', () => compose('up', '-d')))) return;
    await rec.phase('teardown', () => compose('down'));
  });
}

async function podmanWay(ctx: Ctx): Promise<void> {
  const rec = new Recorder(
    'podman kube play',
    ctx.results,
    ctx.log,
    (all) => ids(['podman', 'ps', '-q', ...(all ? ['-a'] : []), '--filter', `label=${BENCH_LABEL}=scale-podman`]),
    ctx.n,
  );
  let loadedImage = false;
  const dir = join(ctx.root, 'podman');
  const file = join(dir, 'deployments.yaml');
  await mkdir(dir, { recursive: true });
  const podman = (...args: string[]): Promise<CmdResult> => runCmd(['podman', ...args], { timeoutMs: timeout(ctx.n) });
  let played = false;
  const cleanup = async (): Promise<void> => {
    if (played) {
      const d = await podman('kube', 'down', file);
      if (d.code !== 0) ctx.log(`podman: cleanup's kube down failed:\n${tail(d)}`);
    }
    const pods = await ids(['podman', 'pod', 'ps', '-q', '--filter', `label=${BENCH_LABEL}=scale-podman`]);
    if (pods.length) {
      ctx.log(`podman: ${pods.length} pod(s) left; removing them`);
      await podman('pod', 'rm', '-f', ...pods);
    }
    if (loadedImage) await podman('rmi', BENCH_IMAGE);
  };
  await guarded(ctx, cleanup, async () => {
    const ready = await preparePodman(BENCH_IMAGE, ctx.log);
    loadedImage = ready.loadedImage;
    if (!ready.ok) {
      ctx.log(`podman: ${ready.why}`);
      return;
    }
    // Not timed: the first pod of a podman installation builds its pause image (from catatonit).
    const warm = await podman('pod', 'create', '--name', `${INSTANCE}-podman-warmup`, '--label', `${BENCH_LABEL}=scale-podman`);
    if (warm.code !== 0) ctx.log(`podman: warm-up pod failed (measuring anyway):\n${tail(warm)}`);
    await podman('pod', 'rm', '-f', `${INSTANCE}-podman-warmup`);
    const yaml = (list: readonly App[]): string => list.map((a) => deployment(a, 'scale-podman')).join('---\n');
    await writeFile(file, yaml(apps(ctx.n)));
    played = true;
    if (!(await rec.phase('initial deploy', () => podman('kube', 'play', file)))) return;
    await writeFile(file, yaml(apps(ctx.n, true)));
    if (!(await rec.phase('change one', () => podman('kube', 'play', '--replace', file)))) return;
    if (await rec.phase('teardown', () => podman('kube', 'down', file))) played = false;
  });
}

async function dockerWay(ctx: Ctx): Promise<void> {
  const label = `${BENCH_LABEL}=scale-docker`;
  const containers = (all: boolean): Promise<string[]> => ids(['docker', 'ps', '-q', ...(all ? ['-a'] : []), '--filter', `label=${label}`]);
  const rec = new Recorder(`docker run x${POOL}`, ctx.results, ctx.log, containers, ctx.n);
  const list = apps(ctx.n);
  const cname = (a: App): string => `${INSTANCE}-docker-${a.name}`;
  const cleanup = async (): Promise<void> => {
    const left = await containers(true);
    if (left.length) await runCmd(['docker', 'rm', '-f', ...left], { timeoutMs: timeout(ctx.n) });
  };
  await guarded(ctx, cleanup, async () => {
    const runOne = (a: App): Promise<CmdResult> =>
      runCmd(
        [
          'docker',
          'run',
          '-d',
          '--name',
          cname(a),
          '--label',
          `app=${a.name}`,
          '--label',
          label,
          '--stop-timeout',
          String(GRACE_SECONDS),
          '-e',
          `VERSION=${a.version}`,
          BENCH_IMAGE,
          ...command(a.name),
        ],
        { timeoutMs: timeout(ctx.n) },
      );
    if (!(await rec.phase('initial deploy', () => pool(list, POOL, runOne)))) return;
    await rec.phase('teardown', () => pool(list, POOL, (a) => runCmd(['docker', 'rm', '-f', cname(a)], { timeoutMs: timeout(ctx.n) })));
  });
}

function table(results: Results): string {
  const cell = (c: Cell | undefined): string => (typeof c === 'number' ? c.toFixed(1) : (c ?? '-'));
  const header = ['phase (s)', ...WAYS];
  const rows = PHASES.map((p) => [p, ...WAYS.map((w) => cell(results.get(w)!.get(p)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), ...rows.map(fmt)].join('\n');
}

function ratios(results: Results): string[] {
  const num = (w: Way, p: Phase): number | undefined => {
    const c = results.get(w)!.get(p);
    return typeof c === 'number' ? c : undefined;
  };
  const ratio = (p: Phase, other: Way): string => {
    const a = num('berth', p);
    const b = num(other, p);
    return a === undefined || b === undefined ? '-' : ratioText(a, b);
  };
  const width = Math.max(...PHASES.map((p) => p.length));
  return PHASES.map(
    (p) => `  ${p.padEnd(width)}  berth / docker-compose ${ratio(p, 'docker-compose').padStart(6)}   berth / docker run ${ratio(p, WAYS[3]).padStart(6)}`,
  );
}

export const scale: Scenario = {
  name: 'scale',
  description: `N single-pod Deployments (--n, default ${DEFAULT_N}): deploy, no-op re-apply, change one, teardown; berth vs docker-compose vs podman kube play vs docker run x${POOL}; with --operator, berth run at N (RSS, pass and probe cost, change latency; --churn commits)`,
  async run(opts: BenchOptions): Promise<void> {
    if (opts.operator) return scaleOperator(opts, opts.churn);
    const n = opts.n;
    const rt = createDockerRuntime();
    await rt.ping();
    if (await ensureBenchImage(rt)) opts.log(`built ${BENCH_IMAGE}`);
    const peers = await findPeers(opts.log);
    const engine = (await runCmd(['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 })).stdout.trim();
    const version = (p: typeof peers.compose): string => (p.installed ? p.version : p.why);
    opts.log(
      `N = ${n} Deployments of 1 pod (${BENCH_IMAGE}, httpd as PID 1, terminationGracePeriodSeconds ${GRACE_SECONDS}); Docker ${engine || '?'}; ${version(peers.compose)}; ${version(peers.podman)}`,
    );
    const results: Results = new Map(WAYS.map((w) => [w, new Map<Phase, Cell>()]));
    const root = await mkdtemp(join(tmpdir(), 'berth-bench-scale-'));
    const ctx: Ctx = { n, root, rt, results, log: opts.log, stopped: false };
    const mark = (way: Way, why: string): void => PHASES.forEach((p) => results.get(way)!.set(p, why));
    const interrupted = async (): Promise<void> => {
      ctx.stopped = true;
      await ctx.current?.();
      await rm(root, { recursive: true, force: true });
    };
    try {
      await withCleanup(interrupted, async () => {
        await berthWay(ctx);
        if (peers.compose.installed) await composeWay(ctx);
        else mark('docker-compose', 'not installed');
        if (peers.podman.installed) await podmanWay(ctx);
        else mark('podman kube play', 'not installed');
        await dockerWay(ctx);
        for (const w of WAYS.slice(1)) results.get(w)!.set('deploy, no wait', results.get(w)!.get('initial deploy') ?? '-');
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    if (ctx.stopped) throw new Error('interrupted');
    opts.log('');
    opts.log(table(results));
    opts.log('ratios (under 1: berth faster):');
    for (const l of ratios(results)) opts.log(l);
    opts.log('-: not a phase of that way (podman kube play has no re-apply: a second play of the same pods fails; docker run has no apply)');
    opts.log(
      `teardown: berth delete and compose down let each container its ${GRACE_SECONDS} s grace (httpd ignores SIGTERM as PID 1); podman 4.3's kube down and docker rm -f kill at once`,
    );
    opts.log(
      "deploy, no wait: berth apply --no-wait; the others' initial deploy (up -d, kube play and docker run -d wait for no readiness; berth apply waits until every pod has been up 1 s)",
    );
    opts.log('change one: berth and compose replace the one container; podman kube play --replace replaces every pod of the file');
  },
};
