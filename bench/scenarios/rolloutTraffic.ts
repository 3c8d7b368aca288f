/**
 * Requests during deploys: a steady stream of HTTP GETs (a new connection each) to a web app
 * whose answers take ~50 ms, through four phases:
 *   steady -> rolling update v1->v2 -> bad v3 (crashes), rolled back to v2 -> after the rollback
 * 1. berth: `berth run` on a local git repo, a 3-replica Deployment behind a NodePort
 *    Service; each version is a commit; the bad one is rolled back by the operator.
 * 2. the Docker way: one container on `docker run -p`; a new version is `docker stop` of the
 *    old container then `docker run` of the new one on the same port (what a compose user
 *    gets); the bad version is replaced by v2 again as soon as it has exited (a best case:
 *    a person or a script would notice later).
 * 3. `docker compose up -d` of an equivalent compose file, and podman's `stop` + `run -p`,
 *    when installed.
 */
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerRuntime, type DockerRuntime } from '../../src/runtime/docker';
import { pollUntil, sleep } from '../../src/util/eventually';
import { freeLocalPort, freeNodePort } from '../lib/docker';
import { commit, initRepo } from '../lib/git';
import { withCleanup } from '../lib/interrupt';
import { BENCH_IMAGE, BENCH_PAUSE_COMMAND, ensureBenchImage } from '../lib/image';
import { ComposeDeployer, CliDeployer, detectTools, type ManualDeployer } from '../lib/manual';
import { cleanupBerth, Operator } from '../lib/operator';
import { formatPhases, ratioText, type PhaseRow } from '../lib/report';
import type { BenchOptions, Scenario } from '../lib/scenario';
import { answers, Stream, type PhaseResult } from '../lib/stream';
import { quantile } from '../lib/load';
import { APP_PATH, CRASH_SCRIPT, serveScript } from '../lib/webApp';

const DELAY_MS = 50;
const BERTH = 'berth (NodePort, 3 replicas)';
const PHASE = { steady: 'steady (v1)', update: 'rolling update v1 -> v2', bad: 'bad v3 (crashes) -> back to v2', after: 'after the rollback (v2)' };

function manifests(nodePort: number, script: string): Record<string, string> {
  return {
    'web.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  progressDeadlineSeconds: 10
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
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, failureThreshold: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http, nodePort: ${nodePort} }]
`,
  };
}

function untilAnswers(port: number, version: string, what: string): Promise<boolean> {
  return pollUntil(async () => ((await answers('127.0.0.1', port, APP_PATH, version)) ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what });
}

function stream(port: number, opts: BenchOptions): Stream {
  return new Stream({ host: '127.0.0.1', port, path: APP_PATH, concurrency: opts.concurrency, pauseMs: 10, deadlineMs: 150_000, maxRequests: 100_000 });
}

function rows(target: string, phases: PhaseResult[]): PhaseRow[] {
  return phases.map((p) => ({ target, phase: p.phase, result: p }));
}

const secs = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

async function berthPhases(rt: DockerRuntime, opts: BenchOptions): Promise<PhaseRow[]> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'berth-bench-rollout-')));
  const repo = join(root, 'repo');
  const args = ['--repo', repo, '--poll', '*/1 * * * * *', '--pause-image', BENCH_IMAGE, '--pause-command', BENCH_PAUSE_COMMAND];
  const op = new Operator(`bench-rollout-${Date.now().toString(36)}`, join(root, 'state'), args);
  const cleanup = async (): Promise<void> => {
    const problems = await cleanupBerth(rt, op);
    if (problems.length) opts.log(`berth cleanup of ${op.instance} incomplete:\n  ${problems.join('\n  ')}`);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await initRepo(repo);
    return await withCleanup(cleanup, () => measureBerth(op, repo, opts));
  } finally {
    await cleanup();
  }
}

async function measureBerth(op: Operator, repo: string, opts: BenchOptions): Promise<PhaseRow[]> {
  const nodePort = await freeNodePort();
  let t0 = performance.now();
  const v1 = await commit(repo, manifests(nodePort, serveScript('v1', DELAY_MS)), 'web v1');
  await op.start();
  await op.outcome(v1, 'succeeded');
  await untilAnswers(nodePort, 'v1', `v1 through NodePort ${nodePort}`);
  opts.log(`berth: instance ${op.instance}, NodePort 127.0.0.1:${nodePort}, 3 replicas of v1 ready in ${secs(t0)}`);
  const load = stream(nodePort, opts).start(PHASE.steady);
  try {
    await sleep(opts.seconds * 1000);

    load.phase(PHASE.update);
    t0 = performance.now();
    await op.outcome(await commit(repo, manifests(nodePort, serveScript('v2', DELAY_MS)), 'web v2'), 'succeeded');
    opts.log(`berth: v2 succeeded ${secs(t0)} after its commit`);

    load.phase(PHASE.bad);
    t0 = performance.now();
    const bad = await op.outcome(await commit(repo, manifests(nodePort, CRASH_SCRIPT), 'web v3 (crashes)'), 'failed');
    opts.log(`berth: v3 failed ${secs(t0)} after its commit (${bad.reason ?? 'no reason'}), rolled back to ${bad.rollbackTo?.slice(0, 8) ?? '?'}`);

    load.phase(PHASE.after);
    await sleep(opts.seconds * 1000);
  } catch (err) {
    await load.stop();
    throw err;
  }
  return rows(BERTH, await load.stop());
}

async function manualPhases(d: ManualDeployer, opts: BenchOptions): Promise<PhaseRow[]> {
  const cleanup = async (): Promise<void> => {
    const problems = await d.cleanup().catch((err: Error) => [err.message]);
    if (problems.length) opts.log(`${d.name} cleanup incomplete:\n  ${problems.join('\n  ')}`);
  };
  try {
    return await withCleanup(cleanup, () => measureManual(d, opts));
  } finally {
    await cleanup();
  }
}

async function measureManual(d: ManualDeployer, opts: BenchOptions): Promise<PhaseRow[]> {
  await d.prepare();
  await d.deploy(serveScript('v1', DELAY_MS));
  await untilAnswers(d.port, 'v1', `v1 on 127.0.0.1:${d.port} (${d.name})`);
  const load = stream(d.port, opts).start(PHASE.steady);
  try {
    await sleep(opts.seconds * 1000);

    load.phase(PHASE.update);
    let t0 = performance.now();
    await d.deploy(serveScript('v2', DELAY_MS));
    await untilAnswers(d.port, 'v2', `v2 (${d.name})`);
    opts.log(`${d.name}: v2 answering ${secs(t0)} after the deploy started`);

    load.phase(PHASE.bad);
    t0 = performance.now();
    await d.deploy(CRASH_SCRIPT);
    await pollUntil(async () => ((await d.exited()) ? true : undefined), { timeoutMs: 20_000, intervalMs: 100, what: `v3 to exit (${d.name})` });
    await d.deploy(serveScript('v2', DELAY_MS));
    await untilAnswers(d.port, 'v2', `v2 again (${d.name})`);
    opts.log(`${d.name}: v3 exited and v2 answering again ${secs(t0)} after the deploy started`);

    load.phase(PHASE.after);
    await sleep(opts.seconds * 1000);
  } catch (err) {
    await load.stop();
    throw err;
  }
  return rows(d.name, await load.stop());
}

function summary(all: readonly PhaseRow[], base: string, others: readonly string[]): string[] {
  const lines: string[] = [];
  const get = (t: string, p: string) => all.find((r) => r.target === t && r.phase === p)?.result;
  for (const other of others) {
    for (const phase of [PHASE.update, PHASE.bad]) {
      const a = get(base, phase);
      const b = get(other, phase);
      if (!a || !b) continue;
      const p99 = (r: typeof a) => quantile(r.latencies, 0.99);
      const gap = (r: typeof a) => r.maxGapMs ?? NaN;
      lines.push(
        `${phase}: failed requests berth ${a.failed} vs ${other} ${b.failed} (ratio ${ratioText(a.failed, b.failed)});` +
          ` p99 ${p99(a).toFixed(1)} vs ${p99(b).toFixed(1)} ms (ratio ${ratioText(p99(a), p99(b))});` +
          ` max gap ${(gap(a) / 1000).toFixed(2)} vs ${(gap(b) / 1000).toFixed(2)} s (ratio ${ratioText(gap(a), gap(b))})`,
      );
    }
  }
  return lines;
}

export const rolloutTraffic: Scenario = {
  name: 'rollout-traffic',
  description:
    'requests through a NodePort during a rolling update and an automatic rollback, vs docker stop + docker run -p (and compose/podman if installed)',
  async run(opts: BenchOptions): Promise<void> {
    const rt = createDockerRuntime();
    await rt.ping();
    if (await ensureBenchImage(rt)) opts.log(`built ${BENCH_IMAGE}`);
    const tools = await detectTools();
    opts.log(`a new connection per request, ${opts.concurrency} at a time (10 ms pause each), answers take ~${DELAY_MS} ms; steady phases ${opts.seconds} s`);
    opts.log('berth: each version a commit, the bad one rolled back by the operator; Docker way: stop the old container, run the new one on the same port,');
    opts.log('  and replace the bad one by v2 the moment it has exited (a best case: nobody watches that closely)');
    const all: PhaseRow[] = await berthPhases(rt, opts);
    const instance = `bench-manual-${Date.now().toString(36)}`;
    const deployers: ManualDeployer[] = [new CliDeployer('docker', `${instance}-d`, await freeLocalPort())];
    if (tools.compose) deployers.push(new ComposeDeployer(tools.compose, `${instance}-c`, await freeLocalPort()));
    if (tools.podman) deployers.push(new CliDeployer('podman', `${instance}-p`, await freeLocalPort()));
    for (const d of deployers) all.push(...(await manualPhases(d, opts)));
    if (!tools.compose) opts.log('docker compose: not installed (neither `docker compose` nor `docker-compose`)');
    if (!tools.podman) opts.log('podman: not installed');
    opts.log(formatPhases(all));
    opts.log('p50/p99/max: of the requests answered; failing s: from the first failed request to the end of the last one;');
    opts.log('max gap s: the longest time without a successful answer (refused connections fail at once, unanswered SYNs wait ~1 s and then succeed)');
    for (const l of summary(
      all,
      BERTH,
      deployers.map((d) => d.name),
    ))
      opts.log(l);
  },
};
