/**
 * `npm run bench -- scale --operator [--n 500] [--churn 100]`: the operator (`berth run`) at
 * N single-pod Deployments from one git repository, each with a readiness probe (HTTP; every
 * tenth an exec probe), and N/10 ClusterIP Services. Phases, in order:
 *   1. initial convergence: commit N Deployments, time until the revision is `succeeded`;
 *   2. idle: operator and dockerd CPU over a quiet window (the probe loop), engine requests;
 *   3. no-op passes: passes asked through the API, CPU and engine requests per pass;
 *   4. change one at N: one Deployment's env changed; commit -> `succeeded`, and the status
 *      API's latency polled meanwhile;
 *   5. Services: N/10 ClusterIP Services; proxy processes and their memory;
 *   6. churn: `--churn` commits, each changing one Deployment; RSS along the way; their
 *      times are the change-one figure at N (median);
 *   7. change one at 50 and at 5 (after commits that scale the repository down), 5 commits
 *      each, one after another as the churn commits are (median);
 *   8. the references for the initial convergence: docker-compose `up -d` of the same N
 *      services (capped, scaleReference.ts) and `docker run -d` of them 8 at a time.
 * RSS of the operator is printed after every phase. Nothing is asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime, type DockerRuntime } from '../../src/runtime/docker';
import { LABEL, type Runtime } from '../../src/runtime/types';
import { BENCH_IMAGE, BENCH_PAUSE_COMMAND, ensureBenchImage } from '../lib/image';
import { commit, initRepo } from '../lib/git';
import { withCleanup } from '../lib/interrupt';
import { cleanupBerth, Operator } from '../lib/operator';
import { findPeers } from '../lib/peers';
import { cpuMs, dockerdPid, pidsWhere, rssMb } from '../lib/procStats';
import { ratioText } from '../lib/report';
import type { BenchOptions } from '../lib/scenario';
import { pollUntil } from '../../src/util/eventually';
import { apps, POOL } from './scale';
import { composeBound, composeUp, describeReference, dockerRun } from './scaleReference';

const INSTANCE = 'bench-scale-operator';
const GRACE_SECONDS = 2;
const IDLE_WINDOW_MS = 20_000;
const NOOP_PASSES = 10;
/** After asking for a no-op pass, the bench stays off the API this long (see phase 3). */
const NOOP_SETTLE_MS = 1000;
/** Change-one commits at 50 and at 5 (at N, the churn commits are the sample). */
const CHANGES_AT_FEW = 5;

type Probe = 'http' | 'exec';

function deployment(name: string, version: number, probe: Probe): string {
  const readiness =
    probe === 'http' ? '{ httpGet: { path: /, port: 8080 }, periodSeconds: 10 }' : '{ exec: { command: [cat, /www/index.html] }, periodSeconds: 10 }';
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: ${GRACE_SECONDS}
      containers:
        - name: httpd
          image: ${BENCH_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www"]
          env: [{ name: VERSION, value: "${version}" }]
          readinessProbe: ${readiness}
`;
}

function service(name: string): string {
  return `apiVersion: v1
kind: Service
metadata: { name: svc-${name} }
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
}

/** The repository's files for the first `n` apps (`versions` overrides an app's env), `services` of them with a Service. */
function files(names: readonly string[], n: number, services: number, versions: ReadonlyMap<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const present = i < n;
    out[`apps/${name}.yaml`] = present ? deployment(name, versions.get(name) ?? 1, i % 10 === 9 ? 'exec' : 'http') : '';
    out[`services/${name}.yaml`] = present && i < services ? service(name) : '';
  });
  return out;
}

interface Metrics {
  heapUsedMb: number;
  passes: number;
  passCpuMs: number;
  requests: Map<string, number>;
}

async function metrics(op: Operator): Promise<Metrics> {
  const text = await (await fetch(`http://127.0.0.1:${op.port}/metrics`)).text();
  const m: Metrics = { heapUsedMb: 0, passes: 0, passCpuMs: 0, requests: new Map() };
  for (const line of text.split('\n')) {
    const count = /^berth_pass_duration_seconds_count\{[^}]*\} (\S+)/.exec(line);
    if (count) m.passes += Number(count[1]);
    const heap = /^nodejs_heap_size_used_bytes (\S+)/.exec(line);
    if (heap) m.heapUsedMb = Number(heap[1]) / 1048576;
    const cpu = /^berth_pass_cpu_seconds_total (\S+)/.exec(line);
    if (cpu) m.passCpuMs = Number(cpu[1]) * 1000;
    const req = /^berth_engine_requests_total\{activity="([^"]+)",operation="([^"]+)"\} (\S+)/.exec(line);
    if (req) m.requests.set(`${req[1]} ${req[2]}`, Number(req[3]));
  }
  return m;
}

/** Requests of `activity` between two snapshots, by operation. */
function requestsBetween(a: Metrics, b: Metrics, activity: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of b.requests) {
    if (!k.startsWith(`${activity} `)) continue;
    const d = v - (a.requests.get(k) ?? 0);
    if (d > 0) out.set(k.slice(activity.length + 1), d);
  }
  return out;
}

const describeRequests = (m: Map<string, number>, per = 1): string =>
  m.size ? [...m].map(([op, n]) => `${op} x${(n / per).toFixed(per > 1 ? 1 : 0)}`).join(', ') : 'none';

interface Revision {
  sha: string;
  status: string;
  reason?: string;
}

/** Seconds from now until `sha` has an outcome (it must be `succeeded`), polling the API. */
async function untilSucceeded(op: Operator, sha: string, t0: number, timeoutMs: number): Promise<number> {
  const rev = await pollUntil(
    async () => {
      const list = (await (await fetch(`http://127.0.0.1:${op.port}/api/v1/revisions?limit=20`)).json()) as Revision[];
      return list.find((r) => r.sha === sha && ['succeeded', 'failed', 'rejected', 'superseded'].includes(r.status));
    },
    { timeoutMs, intervalMs: 100, what: `an outcome for ${sha.slice(0, 8)}` },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; the operator ${op.ended ?? 'runs'}; it said:\n${op.tail()}`);
  });
  if (rev.status !== 'succeeded') throw new Error(`${sha.slice(0, 8)} ended ${rev.status}: ${rev.reason ?? ''}\n${op.tail()}`);
  return (performance.now() - t0) / 1000;
}

/**
 * Waits until the pods removed by a scale-down are gone from the engine: the next change is
 * measured on a quiet engine, not beside dockerd removing 450 containers (which took about 50 s
 * on this machine; the first change at 50 took that long while the bench waited only for the
 * stops). First no pod terminating before its deadline, then no container of the instance
 * that is not running, or the same count of them for 5 s: Docker 20.10 can keep listing a
 * container as `removing` after it is gone (`docker rm` says "No such container") until
 * dockerd restarts; berth keeps such a pod terminating (src/rollout/terminating.ts), and it
 * loads nothing.
 */
async function untilRemoved(op: Operator, rt: Runtime, timeoutMs: number): Promise<void> {
  await pollUntil(
    async () => {
      const s = (await (await fetch(`http://127.0.0.1:${op.port}/api/v1/status`)).json()) as { terminating?: { secondsLeft: number }[] };
      return (s.terminating ?? []).every((t) => t.secondsLeft <= 0) ? true : undefined;
    },
    { timeoutMs, intervalMs: 500, what: 'no pod terminating before its deadline' },
  );
  const counts: number[] = [];
  await pollUntil(
    async () => {
      const left = (await rt.listContainers({ [LABEL.instance]: INSTANCE })).filter((c) => c.state !== 'running').length;
      counts.push(left);
      const steady = counts.length >= 5 && counts.slice(-5).every((n) => n === left);
      return left === 0 || steady ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000, what: "the removed pods' containers gone from the engine" },
  );
  await new Promise((r) => setTimeout(r, 2000));
}

/** Latencies (ms) of GET /api/v1/status, polled every 50 ms until `done` settles. */
async function statusLatencies<T>(op: Operator, done: Promise<T>): Promise<{ result: T; ms: number[] }> {
  const ms: number[] = [];
  let over = false;
  const finished = done.finally(() => (over = true));
  finished.catch(() => undefined); // rethrown below, once polling ends
  while (!over) {
    const t = performance.now();
    await fetch(`http://127.0.0.1:${op.port}/api/v1/status`).then((r) => r.arrayBuffer());
    ms.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { result: await finished, ms };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/** Proxy processes of the instance (its own and its Services' anchors) and their summed RSS. */
function proxies(): { count: number; rssMb: number } {
  const pids = pidsWhere((a) => a.some((x) => x.endsWith('proxy/main.js')) && a.some((x) => x === INSTANCE || x.startsWith(`${INSTANCE}.svc.`)));
  return { count: pids.length, rssMb: pids.reduce((s, p) => s + (rssMb(p) ?? 0), 0) };
}

export async function scaleOperator(opts: BenchOptions, churn: number): Promise<void> {
  const n = opts.n;
  const log = opts.log;
  const rt: DockerRuntime = createDockerRuntime();
  await rt.ping();
  if (await ensureBenchImage(rt)) log(`built ${BENCH_IMAGE}`);
  const peers = await findPeers(log);
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-scale-op-'));
  const repo = await initRepo(join(root, 'repo'));
  const names = apps(n).map((a) => a.name);
  const services = Math.max(1, Math.round(n / 10));
  const versions = new Map<string, number>();
  const op = new Operator(INSTANCE, join(root, 'state'), [
    '--repo',
    repo,
    '--poll',
    '0 0 0 1 1 *',
    '--resync',
    '3600',
    '--pause-image',
    BENCH_IMAGE,
    '--pause-command',
    BENCH_PAUSE_COMMAND,
  ]);
  const rows: [string, string][] = [];
  const row = (what: string, value: string): void => {
    rows.push([what, value]);
    log(`${what}: ${value}`);
  };
  const rss = async (phase: string): Promise<void> => {
    const heap = (await metrics(op)).heapUsedMb;
    row(`operator RSS after ${phase}`, `${(rssMb(op.pid!) ?? NaN).toFixed(0)} MB (heap used ${heap.toFixed(0)} MB)`);
  };
  const deadline = (count: number): number => (60 + 2 * count) * 1000;
  /** Seconds of each change-one commit, by the number of Deployments running. */
  const changeAt = new Map<number, number[]>();
  /** Services in the repository now (they come in phase 5). */
  let withServices = 0;

  const changeOne = async (count: number, index = 0): Promise<number> => {
    const name = names[index % count];
    versions.set(name, (versions.get(name) ?? 1) + 1);
    const sha = await commit(repo, files(names, count, Math.min(withServices, count), versions), `change ${name}`);
    // From the commit, once it exists: writing the repository's N files and `git add` are the
    // bench's own work (about 0.2 s at 500), not berth's; berth's watcher sees the commit from here.
    return untilSucceeded(op, sha, performance.now(), deadline(10));
  };

  const cleanup = async (): Promise<void> => {
    const problems = await cleanupBerth(rt, op);
    if (problems.length) log(`cleanup: ${problems.join('; ')}`);
    await rm(root, { recursive: true, force: true });
  };

  await withCleanup(cleanup, () => phases().finally(cleanup));
  log('');
  const width = Math.max(...rows.map(([w]) => w.length));
  for (const [what, value] of rows) log(`${what.padEnd(width)}  ${value}`);

  async function phases(): Promise<void> {
    log(`N = ${n} Deployments (readiness: HTTP, every tenth exec; period 10 s), ${services} ClusterIP Services later; churn ${churn} commits`);
    await commit(repo, { 'README.md': 'bench\n' }, 'empty');
    await op.start();
    await rss('start');

    // 1. initial convergence
    let t0 = performance.now();
    let sha = await commit(repo, files(names, n, 0, versions), `${n} deployments`);
    const initial = await untilSucceeded(op, sha, t0, deadline(n));
    row(`initial convergence (commit -> succeeded), ${n} pods`, `${initial.toFixed(1)} s`);
    await rss('initial convergence');

    // 2. idle: the probe loop alone
    await new Promise((r) => setTimeout(r, 3000));
    const dpid = dockerdPid();
    const before = { op: cpuMs(op.pid!), docker: dpid ? cpuMs(dpid) : 0, m: await metrics(op) };
    await new Promise((r) => setTimeout(r, IDLE_WINDOW_MS));
    const after = { op: cpuMs(op.pid!), docker: dpid ? cpuMs(dpid) : 0, m: await metrics(op) };
    const secs = IDLE_WINDOW_MS / 1000;
    row('idle operator CPU (probe loop)', `${((after.op - before.op) / secs).toFixed(0)} ms/s`);
    row('idle dockerd CPU', dpid ? `${((after.docker - before.docker) / secs).toFixed(0)} ms/s` : 'dockerd not on this host');
    row('idle engine requests (probe loop), per second', describeRequests(requestsBetween(before.m, after.m, 'probe'), secs));
    row('passes while idle', String(after.m.passes - before.m.passes));

    // 3. no-op passes
    const m0 = await metrics(op);
    for (let i = 0; i < NOOP_PASSES; i++) {
      const seen = (await metrics(op)).passes;
      await fetch(`http://127.0.0.1:${op.port}/api/v1/sync`, { method: 'POST' });
      // Asked once a second, the first time a second after the sync: a scrape of /metrics at
      // 500 pods is itself about 14 ms of the operator's CPU (its per-container series), which
      // the pass counter counts as the pass's when it runs meanwhile. A no-op pass takes a few
      // hundred ms, so no scrape overlaps one.
      await new Promise((r) => setTimeout(r, NOOP_SETTLE_MS));
      await pollUntil(async () => ((await metrics(op)).passes > seen ? true : undefined), { timeoutMs: 30_000, intervalMs: NOOP_SETTLE_MS, what: 'a pass' });
    }
    const m1 = await metrics(op);
    const passes = m1.passes - m0.passes;
    row('no-op pass CPU (operator)', `${((m1.passCpuMs - m0.passCpuMs) / passes).toFixed(1)} ms per pass (${passes} passes)`);
    row('no-op pass engine requests', describeRequests(requestsBetween(m0, m1, 'pass'), passes));

    // 4. change one at N, status latency meanwhile (this change is not among the change-one
    // figures: the status requests load the operator, and they are not made at 50 and 5)
    const { ms } = await statusLatencies(op, changeOne(n));
    row('status API latency during the change', `p50 ${quantile(ms, 0.5).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (${ms.length} requests)`);
    await rss(`change one at ${n}`);

    // 5. Services
    t0 = performance.now();
    withServices = services;
    sha = await commit(repo, files(names, n, services, versions), `${services} services`);
    const svcSecs = await untilSucceeded(op, sha, t0, deadline(services));
    const px = proxies();
    row(`${services} ClusterIP Services (commit -> succeeded)`, `${svcSecs.toFixed(1)} s`);
    row('proxy processes', `${px.count}, ${px.rssMb.toFixed(0)} MB RSS in all`);
    await rss('Services');

    // 6. churn
    const atN: number[] = [];
    for (let i = 1; i <= churn; i++) {
      atN.push(await changeOne(n, i));
      if (i % 25 === 0 || i === churn) await rss(`${i} churn commits`);
    }
    if (atN.length > 0) changeAt.set(n, atN);

    // 7. change one at 50 and at 5
    for (const count of [50, 5].filter((c) => c < n)) {
      t0 = performance.now();
      sha = await commit(repo, files(names, count, Math.min(services, count), versions), `scale to ${count}`);
      await untilSucceeded(op, sha, t0, deadline(n));
      await untilRemoved(op, rt, deadline(n));
      const times: number[] = [];
      for (let i = 0; i < CHANGES_AT_FEW; i++) times.push(await changeOne(count, i));
      changeAt.set(count, times);
      await rss(`change one at ${count}`);
    }
    const median = (xs: number[]): number => quantile(xs, 0.5);
    for (const [count, xs] of changeAt) {
      const range = xs.length > 1 ? ` (${xs.length} commits one after another, ${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)} s)` : '';
      row(`change one (commit -> succeeded) with ${count} running, median`, `${median(xs).toFixed(2)} s${range}`);
    }
    const small = changeAt.get(5);
    const large = changeAt.get(n);
    if (small && large) row(`change one: ${n} vs 5 running (medians)`, ratioText(median(large), median(small)));
    await cleanupBerth(rt, op);

    // 8. the references: docker-compose up -d (capped: see scaleReference.ts) and docker run x8, same N
    if (peers.compose.installed) {
      const up = await composeUp(await mkdtemp(join(root, 'compose-')), n);
      row(`docker-compose up -d, ${n} services`, describeReference(up));
      if (up.type === 'done') row('initial convergence, berth / docker-compose', ratioText(initial, up.seconds));
      if (up.type === 'unfinished') row('initial convergence, berth / docker-compose', composeBound(initial, n, up));
    } else row('docker-compose', peers.compose.why);
    const run = await dockerRun(n);
    row(`docker run -d x${POOL} on one network, ${n} containers`, describeReference(run));
    if (run.type === 'done') row(`initial convergence, berth / docker run x${POOL}`, ratioText(initial, run.seconds));
  }
}
