/**
 * Two operators on one engine, each with its own repository, state directory and instance,
 * declaring workloads of the same names: each creates, prunes and repairs only its own
 * objects. The instance lock refuses a second `berth run` (and a `berth apply`) on an
 * instance and state directory that an operator already drives, and the repo lock a second
 * `berth run` of another instance on the same state directory, saying who holds them.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../src/util/eventually';
import { runCli, describeRun } from '../helpers/cli';
import { commitFiles, git, makeRepo } from '../helpers/gitRepo';
import { berthClone, byPod, containersOf, E2EEnv, NEVER_POLL, OperatorProcess, runningIds, settles } from '../helpers/operator';
import { deployment, pod } from './fixtures';

describe('e2e: two instances on one engine', function () {
  this.timeout(120_000);
  const env = new E2EEnv('op-two');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  async function operator(files: Record<string, string>) {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, files, 'initial');
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    return { repo, instance, stateDir, op };
  }

  it('stay apart: same workload names, each prunes and repairs only its own', async () => {
    const files = { 'web.yaml': deployment({ replicas: 2 }), 'solo.yaml': pod('solo') };
    const [a, b] = await Promise.all([operator(files), operator(files)]);
    const bBefore = await runningIds(env.runtime, b.instance);
    assert.equal(bBefore.length, 3);
    assert.equal((await runningIds(env.runtime, a.instance)).length, 3);

    // A drops both workloads: only A's containers go.
    const drop = await commitFiles(a.repo, { 'web.yaml': null, 'solo.yaml': null, 'other.yaml': pod('other') }, 'replace web and solo by other');
    await a.op.waitFor(drop, 'succeeded', 30_000);
    await settles(async () => [...byPod(await containersOf(env.runtime, a.instance)).keys()], ['other'], "only A's new pod");
    assert.deepEqual(await runningIds(env.runtime, b.instance), bBefore, "A's prune touched B");

    // A container of B removed by hand: B repairs it, A does not react.
    const aBefore = await runningIds(env.runtime, a.instance);
    const victim = (await containersOf(env.runtime, b.instance)).find((c) => c.name.includes('_solo'))!;
    await env.runtime.removeContainer(victim.id);
    await pollUntil(async () => ((await runningIds(env.runtime, b.instance)).length === 3 ? true : undefined), {
      timeoutMs: 20_000,
      what: `B to recreate solo; B said:\n${b.op.tail()}`,
    });
    assert.deepEqual(await runningIds(env.runtime, a.instance), aBefore, "B's repair touched A");
    assert.equal((await a.op.history()).length, 2);
    assert.equal((await b.op.history()).length, 1, 'a repair is not a revision');
  });

  it('the locks refuse a second operator on the same instance or state dir, and berth apply on the instance', async () => {
    const a = await operator({ 'solo.yaml': pod('solo') });
    const before = await runningIds(env.runtime, a.instance);

    const second = await OperatorProcess.runToExit({ repo: a.repo, instance: a.instance, stateDir: a.stateDir, poll: NEVER_POLL });
    assert.equal(second.code, 2, second.output);
    assert.match(second.output, new RegExp(`instance "${a.instance}" is already driven by \`berth run\` \\(pid ${a.op.pid},`));
    assert.match(second.output, /hint: stop that process, or use another --instance or --state-dir/);

    // Another instance on the same state directory would share (and re-point) the git clone.
    const other = await makeRepo();
    await commitFiles(other, { 'solo.yaml': pod('solo') }, 'other');
    const third = await OperatorProcess.runToExit({ repo: other, instance: env.instance(), stateDir: a.stateDir, poll: NEVER_POLL });
    assert.equal(third.code, 2, third.output);
    assert.match(third.output, new RegExp(`state directory ${a.stateDir} is already used by \`berth run\` for instance "${a.instance}" \\(pid ${a.op.pid},`));
    assert.match(third.output, /hint: give each operator its own --state-dir/);
    assert.equal((await git(a.stateDir, '--git-dir', berthClone(a.stateDir), 'config', 'remote.origin.url')).trim(), a.repo);

    const apply = await runCli(['apply', a.repo, '--instance', a.instance, '--state-dir', a.stateDir, '--pause-command', '/pause']);
    assert.equal(apply.code, 2, describeRun(apply));
    assert.match(apply.stderr, new RegExp(`already driven by \`berth run\` \\(pid ${a.op.pid},`));

    // The first operator is unaffected: still running, still holding the lock, apps unchanged.
    assert.ok(a.op.running);
    const owner = JSON.parse(await readFile(join(a.stateDir, `${a.instance}.lock`), 'utf8')) as { pid: number };
    assert.equal(owner.pid, a.op.pid);
    assert.equal((await a.op.get('/healthz')).status, 200);
    assert.deepEqual(await runningIds(env.runtime, a.instance), before);
  });
});
