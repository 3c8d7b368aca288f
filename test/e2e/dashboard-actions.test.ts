/**
 * The dashboard's actions against `berth run` on a real engine, through the thin CLI
 * clients and the API: `berth rollout restart` replaces every pod (a new template hash),
 * `berth sync` starts a pass, self-heal paused leaves drift until resumed, and a rollback
 * with write-back is a revert commit the operator then rolls out.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { runCli } from '../helpers/cli';
import { commitAndPush, commitFiles, git, makeBareWithClone, makeRepo } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL, type OperatorProcess } from '../helpers/operator';
import { deployment } from './fixtures';

describe('e2e: dashboard actions', function () {
  this.timeout(120_000);
  const env = new E2EEnv('dash-act');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  async function hashes(instance: string): Promise<string[]> {
    return [...new Set((await containersOf(env.runtime, instance)).filter((c) => c.state === 'running').map((c) => c.labels[LABEL.specHash]!))].sort();
  }

  async function passAfter(op: OperatorProcess, before: number): Promise<void> {
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > before ? true : undefined), { timeoutMs: 15_000, what: 'a pass' });
  }

  it('berth rollout restart replaces every pod under a new template hash; berth sync starts a pass; unknown names exit 1', async () => {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2 }) }, 'web');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    const before = await hashes(instance);
    const r = await runCli(['rollout', 'restart', 'web', '--server', op.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /restarted at/);
    const after = await pollUntil(
      async () => {
        const h = await hashes(instance);
        const pods = (await containersOf(env.runtime, instance)).filter((c) => c.state === 'running');
        return h.length === 1 && h[0] !== before[0] && pods.length === 2 ? h : undefined;
      },
      { timeoutMs: 30_000, what: 'both pods replaced under a new hash' },
    );
    const view = (await op.get<{ view: { workloads: { restartedAt?: string; templates: { hash: string; current: boolean }[] }[] } }>('/api/v1/view')).body.view;
    assert.ok(view.workloads[0]!.restartedAt);
    assert.equal(view.workloads[0]!.templates.find((t) => t.current)!.hash, after[0]);
    const missing = await runCli(['rollout', 'restart', 'nope', '--server', op.url]);
    assert.equal(missing.code, 1);
    const passes = await op.metric('berth_pass_duration_seconds_count');
    assert.equal((await runCli(['sync', '--server', op.url])).code, 0);
    await passAfter(op, passes);
    await op.kill();
    assert.equal((await runCli(['sync', '--server', op.url])).code, 1, 'no operator answering is exit 1');
  });

  it('self-heal paused: a pass leaves drift; resumed: it is repaired', async () => {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1 }) }, 'web');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    const post = (path: string, body: unknown) => op.post(path, JSON.stringify(body), { 'content-type': 'application/json' });
    assert.equal((await post('/api/v1/self-heal', { paused: true })).status, 202);
    const [c] = await containersOf(env.runtime, instance);
    await env.runtime.removeContainer(c!.id);
    const passes = await op.metric('berth_pass_duration_seconds_count');
    assert.equal((await post('/api/v1/sync', {})).status, 202);
    await passAfter(op, passes);
    assert.deepEqual(await containersOf(env.runtime, instance), [], 'drift was repaired while self-heal was paused');
    assert.equal((await post('/api/v1/restart', { kind: 'Deployment', name: 'web' })).status, 409, 'a restart while paused would never be carried out');
    assert.equal((await post('/api/v1/self-heal', { paused: false })).status, 202);
    await pollUntil(async () => ((await containersOf(env.runtime, instance)).some((x) => x.state === 'running') ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the pod back',
    });
  });

  it('a rollback with write-back: a revert commit on the branch, then rolled out', async () => {
    const { origin, clone, sha: v1 } = await makeBareWithClone({ files: { 'web.yaml': deployment({ replicas: 1 }) }, message: 'web: v1' });
    const instance = env.instance();
    const op = await env.start({ repo: origin, instance, stateDir: await env.stateDir(), poll: NEVER_POLL, extra: ['--write-back'] });
    await op.waitFor(v1!, 'succeeded', 30_000);
    const v1Hash = await hashes(instance);
    const v2 = await commitAndPush(clone, { 'web.yaml': deployment({ replicas: 1, version: 'v2' }) }, 'web: v2');
    await op.post('/api/v1/sync', '');
    await op.waitFor(v2, 'succeeded', 30_000);
    const r = await op.post('/api/v1/rollback', JSON.stringify({ kind: 'Deployment', name: 'web', toRevision: v1 }), { 'content-type': 'application/json' });
    assert.equal(r.status, 202, r.text);
    const head = (await git(origin, 'rev-parse', 'refs/heads/main')).trim();
    assert.notEqual(head, v2);
    assert.match(await git(origin, 'log', '-1', '--format=%B', head), /Berth-Undo-Of: /);
    await op.waitFor(head, 'succeeded', 30_000);
    await pollUntil(async () => ((await hashes(instance)).join() === v1Hash.join() ? true : undefined), {
      timeoutMs: 20_000,
      what: "v1's template running again",
    });
  });

  it('resource use: berth top pods and deployments, /metrics with Kubernetes names, against the limits', async () => {
    const repo = await makeRepo();
    const manifest = deployment({ replicas: 2 }).replace(
      'imagePullPolicy: Never',
      'imagePullPolicy: Never\n          resources: { limits: { memory: 64Mi, cpu: 500m } }',
    );
    const sha = await commitFiles(repo, { 'web.yaml': manifest }, 'web with limits');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    const top = await pollUntil(
      async () => {
        const r = await runCli(['top', 'pods', '--server', op.url]);
        return r.code === 0 && r.stdout.split('\n').filter((l) => l.includes('web-')).length === 2 ? r.stdout : undefined;
      },
      { timeoutMs: 30_000, what: 'berth top pods listing both pods' },
    );
    assert.match(top, /CPU\(cores\)\s+CPU%LIMIT\s+MEMORY\(bytes\)\s+MEMORY%LIMIT\s+RESTARTS/);
    assert.match(top, /web-\S+\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s+0/);
    const deploys = await runCli(['top', 'deployments', '--server', op.url]);
    assert.match(deploys.stdout, /deployment\/web\s+2\s+/);
    const metrics = await (await fetch(`${op.url}/metrics`)).text();
    const pods = [...metrics.matchAll(/^container_memory_working_set_bytes\{namespace="default",pod="(web-[^"]+)",container="main"\} (\d+)$/gm)];
    assert.equal(pods.length, 2, metrics);
    assert.ok(pods.every((m) => Number(m[2]) > 0));
    assert.match(metrics, /kube_pod_container_resource_limits\{namespace="default",pod="web-[^"]+",container="main",resource="memory",unit="byte"\} 67108864/);
    assert.match(metrics, /kube_pod_container_resource_limits\{namespace="default",pod="web-[^"]+",container="main",resource="cpu",unit="core"\} 0.5/);
  });
});
