/**
 * `berth run` follows the three kinds of repository a team uses: a working repository on this
 * machine (seen through the refs watcher), a bare repository people push to (watched too),
 * a `file://` URL (on this machine: watched as well) and an `http://` URL (a server this
 * test runs; polled). Each commit ends up applied, recorded in the journal and as
 * a note in berth's own clone; the user's repository is never written to.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitAndPush, commitFiles, fileUrl, git, headOf, makeBareWithClone, makeRepo, serveGitHttp } from '../helpers/gitRepo';
import { byPod, containersOf, E2EEnv, NEVER_POLL, noteOf, settles } from '../helpers/operator';
import { deployment, invalidDeployment } from './fixtures';

describe('e2e: berth run follows a repository', function () {
  this.timeout(90_000);
  const env = new E2EEnv('op-src');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  /** Pods of `owner` that run, by the VERSION their template carries. */
  async function runningPods(instance: string, owner = 'web'): Promise<string[]> {
    const pods = byPod(await containersOf(env.runtime, instance), owner);
    return [...pods.entries()]
      .filter(([, cs]) => cs.every((c) => c.state === 'running'))
      .map(([name, cs]) => `${name}@${cs[0]!.labels[LABEL.revision]?.slice(0, 8)}`)
      .sort();
  }

  it('a local working repository: the first commit at start, the next one through the refs watcher; --path limits what is read', async () => {
    const repo = await makeRepo();
    const first = await commitFiles(
      repo,
      { 'deploy/web.yaml': deployment({ replicas: 1 }), 'docs/broken.yaml': invalidDeployment('other') },
      'web: one replica',
    );
    const instance = env.instance();
    const stateDir = await env.stateDir();
    // No poll and no resync during the test: only the watcher can notice the second commit.
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL, extra: ['--path', 'deploy'] });
    await op.waitFor(first, 'succeeded', 30_000);
    assert.equal((await runningPods(instance)).length, 1);

    const second = await commitFiles(repo, { 'deploy/web.yaml': deployment({ replicas: 2 }) }, 'web: two replicas');
    const entry = await op.waitFor(second, 'succeeded', 15_000);
    assert.equal(entry.subject, 'web: two replicas');
    assert.equal((await runningPods(instance)).length, 2);

    // The journal is written before the note and the in-memory status: the API follows shortly.
    const status = await pollUntil(
      async () => {
        const s = await op.status();
        return s.lastAttemptedRevision?.status === 'succeeded' ? s : undefined;
      },
      { timeoutMs: 5000, what: 'the status API to show the second commit succeeded' },
    );
    assert.equal(status.lastAppliedRevision, second);
    assert.equal(status.lastAttemptedRevision?.sha, second);
    assert.deepEqual(status.source, { repo, branch: 'main', path: 'deploy' });
    const web = status.resources.find((r) => r.kind === 'Deployment' && r.name === 'web');
    assert.equal(web?.health, 'Healthy', JSON.stringify(status.resources));

    assert.match((await noteOf(stateDir, second)) ?? '(no note)', /^berth: succeeded\ninstance: t-op-src-/);
    // The user's repository: same head, clean tree, no notes written into it.
    assert.equal(await headOf(repo), second);
    assert.equal(await git(repo, 'status', '--porcelain'), '');
    assert.equal((await git(repo, 'for-each-ref', 'refs/notes')).trim(), '');

    // The manifests folder moved away: the commit is rejected (nothing changes), and berth
    // keeps repairing what runs.
    const before = await runningPods(instance);
    const moved = await commitFiles(repo, { 'deploy/web.yaml': null, 'k8s/web.yaml': deployment({ replicas: 1 }) }, 'move manifests to k8s/');
    const rejected = await op.waitFor(moved, 'rejected', 15_000);
    assert.deepEqual(rejected.errors, [`path "deploy" does not exist in commit ${moved.slice(0, 12)}`]);
    assert.deepEqual(await runningPods(instance), before);
    const victim = (await containersOf(env.runtime, instance))[0]!;
    await env.runtime.removeContainer(victim.id);
    await pollUntil(async () => ((await runningPods(instance)).length === 2 ? true : undefined), {
      timeoutMs: 15_000,
      what: `self-heal after the rejected commit; berth said:\n${op.tail()}`,
    });
  });

  it('a bare repository people push to: a push is seen through the refs watcher', async () => {
    const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'web.yaml': deployment({ version: 'v1' }) } });
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo: origin, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(first!, 'succeeded', 30_000);
    assert.deepEqual(
      (await runningPods(instance)).map((p) => p.split('@')[1]),
      [first!.slice(0, 8)],
    );

    const second = await commitAndPush(clone, { 'web.yaml': deployment({ version: 'v2' }) }, 'web: v2');
    await op.waitFor(second, 'succeeded', 15_000);
    // A new template replaced the pod: the one that runs was created by the second commit.
    await settles(async () => (await runningPods(instance)).map((p) => p.split('@')[1]), [second.slice(0, 8)], 'only the pod of the second commit runs');
    assert.match((await noteOf(stateDir, second)) ?? '(no note)', /^berth: succeeded/);
    assert.equal((await git(origin, 'for-each-ref', 'refs/notes')).trim(), '', 'notes pushed to the origin without --write-back');
  });

  it('a file:// URL: a repository on this machine, watched like a path', async () => {
    const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'web.yaml': deployment({ replicas: 1 }) } });
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo: fileUrl(origin), instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(first!, 'succeeded', 30_000);

    const second = await commitAndPush(clone, { 'web.yaml': deployment({ replicas: 2 }) }, 'web: two replicas');
    await op.waitFor(second, 'succeeded', 15_000);
    assert.equal((await runningPods(instance)).length, 2);
    // Removing the workload from the repository prunes it.
    const third = await commitAndPush(clone, { 'web.yaml': null, 'keep.yaml': deployment({ name: 'keep' }) }, 'web removed, keep added');
    await op.waitFor(third, 'succeeded', 15_000);
    assert.deepEqual(await runningPods(instance), []);
    assert.equal((await runningPods(instance, 'keep')).length, 1);
    assert.equal((await op.status()).source.repo, fileUrl(origin));
  });

  it('an http:// URL nothing can watch: fetched on the poll schedule', async () => {
    const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'web.yaml': deployment({ replicas: 1 }) } });
    const server = await serveGitHttp(origin);
    try {
      const instance = env.instance();
      const stateDir = await env.stateDir();
      const op = await env.start({ repo: server.url, instance, stateDir, poll: '*/1 * * * * *' });
      await op.waitFor(first!, 'succeeded', 30_000);
      const second = await commitAndPush(clone, { 'web.yaml': deployment({ replicas: 2 }) }, 'web: two replicas');
      await op.waitFor(second, 'succeeded', 15_000);
      assert.equal((await runningPods(instance)).length, 2);
      // The poll keeps asking, about once a second, with nothing new to fetch.
      const asked = () => server.requests.filter((r) => r.startsWith('/repo.git/info/refs')).length;
      const now = asked();
      await pollUntil(() => (asked() >= now + 2 ? true : undefined), { timeoutMs: 5000, what: 'two more polls of the repository' });
      assert.equal((await op.history()).length, 2);
    } finally {
      await server.close();
    }
  });
});
