/**
 * `berth rollout status|history|undo` against the real engine and real git repositories:
 * two revisions of a Deployment applied through the library under their commit shas (as the
 * operator does, journal included), then the CLI as a child process.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Journal } from '../../../src/audit';
import { GitSource } from '../../../src/git';
import { observe } from '../../../src/observe';
import { EngineApplier } from '../../../src/rollout/applier';
import { acquireInstanceLock } from '../../../src/state/lock';
import { validateDirectory } from '../../../src/validate';
import { describeRun, engineArgs, runCli } from '../../helpers/cli';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { cleanupTemp, commitAndPush, git, makeBareWithClone } from '../../helpers/gitRepo';
import { ensureTestImage, PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';

const web = (version: string, readiness = 'true') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  progressDeadlineSeconds: 30
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          env: [{ name: VERSION, value: "${version}" }]
          command: ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]
          readinessProbe: { exec: { command: ["${readiness}"] }, periodSeconds: 1 }
`;

describe('berth rollout (CLI, real engine and git)', function () {
  this.timeout(120_000);
  const runtime = testRuntime();
  const instance = uniqueInstance('rollcli');
  let stateDir: string;
  let origin: string;
  let clone: string;
  let source: GitSource;
  let c1: string;
  let c2: string;
  const cli = (...args: string[]) => runCli(engineArgs(['rollout', ...args], instance, stateDir));
  const webPods = async () => (await observe(runtime, instance)).pods.filter((p) => p.owner === 'web');

  /** Apply a commit from berth's clone as the operator would, and journal its outcome. */
  async function applyCommit(sha: string, mode: 'rollout' | 'self-heal' = 'rollout'): Promise<string> {
    const v = await validateDirectory(await source.checkout(sha));
    assert.ok(v.ok);
    const applier = new EngineApplier(runtime, { instance, stateDir, pauseImage: TEST_IMAGE, pauseCommand: PAUSE_COMMAND, prune: true, log: () => {} });
    const outcome = await applier.apply(v.desired, sha, mode);
    assert.equal(outcome.type, 'converged', JSON.stringify(outcome));
    if (mode === 'rollout') {
      const rev = await source.revision(sha);
      await new Journal(stateDir).append({
        sha,
        author: rev.author,
        subject: rev.subject,
        committedAt: rev.date,
        status: 'succeeded',
        at: new Date().toISOString(),
        instance,
      });
    }
    return v.desired.deployments[0]!.templateHash;
  }

  let h1: string;
  let h2: string;

  before(async () => {
    await ensureTestImage({ runtime });
    stateDir = await mkdtemp(path.join(tmpdir(), 'berth-rollcli-'));
    ({ origin, clone } = await makeBareWithClone({ files: { 'deploy/web.yaml': web('v1'), 'README.md': 'hi' }, message: 'web: v1' }));
    c1 = (await git(clone, 'rev-parse', 'HEAD')).trim();
    await commitAndPush(clone, { 'README.md': 'hello' }, 'docs only'); // outside deploy/: not walked
    c2 = await commitAndPush(clone, { 'deploy/web.yaml': web('v2') }, 'web: v2');
    source = await GitSource.open({ repo: origin, branch: 'main', path: 'deploy', stateDir });
    await source.fetch();
    h1 = await applyCommit(c1);
    h2 = await applyCommit(c2);
    assert.notEqual(h1, h2);
  });

  after(async () => {
    await cleanupInstance(runtime, instance);
    await rm(stateDir, { recursive: true, force: true });
    await cleanupTemp();
  });

  it("history: templates from berth's clone with the commits that introduced them, journal status, the running one marked", async () => {
    const r = await cli('history', 'web', '--path', 'deploy');
    assert.equal(r.code, 0, describeRun(r));
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /Deployment default\/web: 2 template\(s\) in the last 2 commit\(s\) of main/);
    assert.match(lines[2]!, new RegExp(`^\\*\\s+${h2}\\s+${c2.slice(0, 8)}\\s.*succeeded\\s+web: v2$`));
    assert.match(lines[3]!, new RegExp(`^\\s+${h1}\\s+${c1.slice(0, 8)}\\s.*succeeded\\s+web: v1$`));
    assert.match(r.stdout, /\*: runs on the engine now \(2 pod\(s\)\)/);
  });

  it("history --repo reads a user's repository directly, with no state dir", async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'berth-rollcli-empty-'));
    try {
      const r = await runCli(engineArgs(['rollout', 'history', 'deployment/web', '--repo', clone, '--path', 'deploy', '-o', 'json'], instance, empty));
      assert.equal(r.code, 0, describeRun(r));
      const out = JSON.parse(r.stdout) as {
        groups: { hash: string; commits: { commit: { sha: string }; status?: string }[] }[];
        engine: { type: string; index: number };
      };
      assert.deepEqual(
        out.groups.map((g) => [g.hash, g.commits.map((c) => c.commit.sha), g.commits.map((c) => c.status)]),
        [
          [h2, [c2], [undefined]],
          [h1, [c1], [undefined]],
        ],
      );
      assert.deepEqual(out.engine, { type: 'running', index: 0, pods: 2 });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('status: pods per template measured against the commit they carry; --watch exits 0 when healthy', async () => {
    const r = await cli('status', 'web', '--path', 'deploy');
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`spec: template ${h2}, 2 replica\\(s\\), from commit ${c2.slice(0, 8)}`));
    assert.match(r.stdout, /health: Healthy: 2 of 2 replicas are available/);
    assert.match(r.stdout, new RegExp(`${h2}\\*\\s+2\\s+2\\s+2\\s+2\\s+${c2.slice(0, 8)}`));
    const w = await cli('status', 'web', '--path', 'deploy', '--watch', '--timeout', '20');
    assert.equal(w.code, 0, describeRun(w));
  });

  it("status --server: the operator's view next to the engine's, and its --path as the default", async () => {
    const snapshot = {
      instance,
      source: { repo: origin, branch: 'main', path: 'deploy' },
      phase: 'idle',
      lastAttemptedRevision: { sha: c2, status: 'succeeded' },
      lastAppliedRevision: c2,
      resources: [{ kind: 'Deployment', namespace: 'default', name: 'web', health: 'Healthy', message: 'seen by the operator' }],
    };
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/api/v1/status' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(snapshot));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await cli('status', 'web', '--server', url);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, new RegExp(`from commit ${c2.slice(0, 8)} of main .*, path deploy`));
      assert.match(r.stdout, new RegExp(`operator at ${url} \\(instance ${instance}\\): idle; last attempted ${c2.slice(0, 8)} succeeded`));
      assert.match(r.stdout, /its view of web: Healthy: seen by the operator/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await cli('status', 'web', '--path', 'deploy', '--server', 'http://127.0.0.1:1');
    assert.equal(down.code, 0, describeRun(down));
    assert.match(down.stdout, /operator at http:\/\/127\.0\.0\.1:1: not reachable/);
    assert.match(down.stdout, /health: Healthy/);
  });

  it('undo without an operator: the previous template runs again, rolled out on the engine', async () => {
    const r = await cli('undo', 'web', '--path', 'deploy');
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`template ${h2} -> ${h1} of commit ${c1.slice(0, 8)}`));
    const pods = await webPods();
    assert.deepEqual(
      pods.map((p) => [p.specHash, p.revision]),
      [
        [h1, c1],
        [h1, c1],
      ],
    );
    assert.ok(pods.every((p) => p.containers.every((c) => c.state === 'running')));
    // The journal is untouched: c2 is still the last good revision the operator would converge to.
    const last = (await new Journal(stateDir).history())[0]!;
    assert.deepEqual([last.sha, last.status], [c2, 'succeeded']);
    const h = await cli('history', 'web', '--path', 'deploy');
    assert.match(h.stdout, new RegExp(`\\*\\s+${h1}\\s+${c1.slice(0, 8)}`), describeRun(h));
  });

  it('status --manifests: measured against a manifests directory (what `berth apply` applied)', async () => {
    const dir = path.join(stateDir, 'v1-manifests');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'web.yaml'), web('v1'));
    const r = await cli('status', 'web', '--manifests', dir, '-o', 'json');
    assert.equal(r.code, 0, describeRun(r));
    const v = JSON.parse(r.stdout) as {
      spec: { hash: string; from: string };
      health: { health: string };
      templates: { hash: string; pods: number; available: number }[];
    };
    assert.deepEqual([v.spec.hash, v.spec.from, v.health.health], [h1, dir, 'Healthy']);
    assert.deepEqual(
      v.templates.map((t) => [t.hash, t.pods, t.available]),
      [[h1, 2, 2]],
    );
  });

  it('undo again: no earlier template to go back to (exit 2, says why)', async () => {
    const r = await cli('undo', 'web', '--path', 'deploy');
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /no earlier template/);
  });

  it('undo while another command drives the instance: refused', async () => {
    const lock = await acquireInstanceLock(stateDir, instance, 'apply');
    try {
      const r = await cli('undo', 'web', '--path', 'deploy');
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /already driven by `berth apply`/);
    } finally {
      await lock.release();
    }
  });

  it('undo while the operator runs, origin refusing the push: exit 2 with what to do by hand, nothing pushed', async () => {
    const hook = path.join(origin, 'hooks', 'pre-receive');
    await writeFile(hook, '#!/bin/sh\necho "branch is protected" >&2\nexit 1\n', { mode: 0o755 });
    const lock = await acquireInstanceLock(stateDir, instance, 'run');
    try {
      const r = await cli('undo', 'web', '--path', 'deploy');
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, new RegExp(`cannot push the revert of ${c2}`));
      assert.match(r.stderr, /branch is protected/);
      assert.match(r.stderr, new RegExp(`hint: revert by hand and push: git revert ${c2} && git push origin HEAD:main`));
      assert.equal((await git(origin, 'rev-parse', 'main')).trim(), c2);
    } finally {
      await lock.release();
      await rm(hook);
    }
  });

  it('undo while the operator runs: a revert commit of the commit that introduced the template, pushed to the origin', async () => {
    const lock = await acquireInstanceLock(stateDir, instance, 'run'); // this process plays `berth run`
    try {
      const before = await webPods();
      const r = await cli('undo', 'web', '--path', 'deploy');
      assert.equal(r.code, 0, describeRun(r));
      const head = (await git(origin, 'rev-parse', 'main')).trim();
      assert.match(r.stdout, new RegExp(`head ${head}`));
      const message = await git(origin, 'log', '-1', '--format=%B', 'main');
      assert.match(message, new RegExp(`Berth-Undo-Of: ${c2}`));
      assert.match(message, /^Revert "web: v2"/);
      assert.equal(await git(origin, 'show', 'main:deploy/web.yaml'), web('v1'));
      assert.equal((await git(origin, 'rev-parse', 'main~1')).trim(), c2, 'built on the branch head');
      assert.deepEqual(
        (await webPods()).map((p) => p.containers[0]!.id),
        before.map((p) => p.containers[0]!.id),
        'the engine was touched',
      );
    } finally {
      await lock.release();
    }
  });

  it('status --watch on a rollout that never gets ready: exit 1', async () => {
    await git(clone, 'pull', '--quiet', '--rebase', 'origin', 'main');
    const c3 = await commitAndPush(clone, { 'deploy/web.yaml': web('v3', 'false') }, 'web: v3 (never ready)');
    await source.fetch();
    await applyCommit(c3, 'self-heal'); // one step: a surge pod that never becomes ready
    const r = await cli('status', 'web', '--path', 'deploy', '--watch', '--timeout', '3');
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stdout, new RegExp(`from commit ${c3.slice(0, 8)}`));
    assert.match(r.stdout, /rollout failed: timed out after 3s/);
  });
});
