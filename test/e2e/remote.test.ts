/**
 * The branch does not only move forward. A force-push back to an earlier commit makes that
 * commit run again (git is what should run, whatever berth applied before), also when the
 * earlier commit was one berth had skipped as superseded. A remote that cannot be reached
 * or a branch that vanished is reported (status API) and retried while the apps keep
 * running; when it is back the next commit is applied.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitAndPush, commitFiles, git, makeBareWithClone, makeRepo, push, serveGitHttp } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL, runningIds, settles } from '../helpers/operator';
import { deployment } from './fixtures';

describe('e2e: force-pushes and remote trouble', function () {
  this.timeout(90_000);
  const env = new E2EEnv('op-remote');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  /** VERSION env of the running web pods, via the commit that created them. */
  async function runningRevisions(instance: string): Promise<string[]> {
    return (await containersOf(env.runtime, instance)).filter((c) => c.state === 'running').map((c) => c.labels[LABEL.revision]!);
  }

  it('a branch reset to an earlier, applied commit runs that commit again', async () => {
    const repo = await makeRepo();
    const a = await commitFiles(repo, { 'web.yaml': deployment({ version: 'a' }) }, 'web: a');
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(a, 'succeeded', 30_000);
    const b = await commitFiles(repo, { 'web.yaml': deployment({ version: 'b' }) }, 'web: b');
    await op.waitFor(b, 'succeeded', 30_000);
    await settles(() => runningRevisions(instance), [b], 'only the pods of b run');

    await git(repo, 'reset', '--quiet', '--hard', a);
    await pollUntil(async () => ((await runningRevisions(instance)).join() === a ? true : undefined), {
      timeoutMs: 20_000,
      what: `the pods of ${a.slice(0, 8)} to run again after the reset; berth said:\n${op.tail()}`,
    });
    await pollUntil(async () => ((await op.status()).lastAppliedRevision === a ? true : undefined), { timeoutMs: 5000, what: 'the status to name a' });
    assert.equal((await op.history())[0]?.sha, a, 'the history does not show a applied again');
  });

  it('a branch reset to a commit berth had superseded applies it', async () => {
    const { origin, clone, sha: a } = await makeBareWithClone({ files: { 'web.yaml': deployment({ version: 'a' }) } });
    const instance = env.instance();
    const stateDir = await env.stateDir();
    let op = await env.start({ repo: origin, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(a!, 'succeeded', 30_000);
    assert.equal((await op.kill('SIGTERM')).code, 0);
    const b = await commitFiles(clone, { 'web.yaml': deployment({ version: 'b' }) }, 'web: b');
    const c = await commitAndPush(clone, { 'web.yaml': deployment({ version: 'c' }) }, 'web: c');
    op = await env.start({ repo: origin, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(c, 'succeeded', 30_000);
    assert.equal((await op.history()).find((e) => e.sha === b)?.status, 'superseded');

    await git(clone, 'reset', '--quiet', '--hard', b);
    await push(clone, { refspec: 'HEAD:refs/heads/main', force: true });
    await op.waitFor(b, 'succeeded', 20_000);
    await settles(() => runningRevisions(instance), [b], 'only the pods of b run');
  });

  it('an unreachable remote and a deleted branch are reported and retried; the apps keep running', async () => {
    const { origin, clone, sha: a } = await makeBareWithClone({ files: { 'web.yaml': deployment({ replicas: 2 }) } });
    let server = await serveGitHttp(origin);
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo: server.url, instance, stateDir, poll: '*/1 * * * * *' });
    try {
      await op.waitFor(a!, 'succeeded', 30_000);
      const before = await runningIds(env.runtime, instance);

      await server.close();
      const down = await pollUntil(
        async () => {
          const s = await op.status();
          return /remote unreachable/.test(s.lastError ?? '') ? s : undefined;
        },
        { timeoutMs: 10_000, what: 'the status to report the unreachable remote' },
      );
      assert.equal(down.lastAppliedRevision, a);
      assert.deepEqual(await runningIds(env.runtime, instance), before);

      // Back on another port is another URL: serve the same repository where it was.
      server = await serveGitHttp(origin, new URL(server.url).port);
      await git(origin, 'update-ref', '-d', 'refs/heads/main');
      await pollUntil(async () => (/branch main not found/.test((await op.status()).lastError ?? '') ? true : undefined), {
        timeoutMs: 15_000,
        what: `the status to report the missing branch; berth said:\n${op.tail()}`,
      });
      assert.deepEqual(await runningIds(env.runtime, instance), before);

      const b = await commitAndPush(clone, { 'web.yaml': deployment({ replicas: 1 }) }, 'web: one replica');
      await op.waitFor(b, 'succeeded', 20_000);
      await settles(async () => (await runningIds(env.runtime, instance)).length, 1, 'one replica runs');
      assert.equal((await op.status()).lastError, undefined);
    } finally {
      await server.close();
    }
  });
});
