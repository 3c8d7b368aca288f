import assert from 'node:assert/strict';
import { readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { GitSource } from '../../../src/git/source';
import { isBerthError } from '../../../src/util/errors';
import { TEST_AUTHOR, cleanupTemp, commitFiles, git, headOf, makeBareWithClone, makeRepo, push, tempDir } from '../../helpers/gitRepo';

async function stateDir(): Promise<string> {
  return tempDir('berth-state-');
}

describe('git/GitSource', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  describe('open', () => {
    it('follows a local working repository without touching its working tree', async () => {
      const repo = await makeRepo();
      const sha = await commitFiles(repo, { 'web.yaml': 'kind: Pod\n' }, 'add web');
      const state = await stateDir();
      const src = await GitSource.open({ repo, stateDir: state });
      assert.equal(src.branch, 'main');
      assert.deepEqual(await src.fetch(), { type: 'advanced', sha, previous: undefined });
      assert.equal(await git(repo, 'status', '--porcelain'), '');
      assert.equal(await git(join(state, 'repo'), 'rev-parse', '--is-bare-repository'), 'true\n');
    });

    it('follows a bare repository', async () => {
      const { origin, sha } = await makeBareWithClone({ files: { 'a.yaml': 'a: 1\n' } });
      const src = await GitSource.open({ repo: origin, stateDir: await stateDir() });
      assert.deepEqual(await src.fetch(), { type: 'advanced', sha, previous: undefined });
      assert.equal(src.location.kind, 'local');
    });

    it('follows a file:// URL', async () => {
      const { origin, sha } = await makeBareWithClone({ files: { 'a.yaml': 'a: 1\n' } });
      const src = await GitSource.open({ repo: `file://${origin}`, stateDir: await stateDir() });
      assert.deepEqual(await src.fetch(), { type: 'advanced', sha, previous: undefined });
    });

    it("uses the remote's default branch when none is given", async () => {
      const { origin, clone } = await makeBareWithClone({ branch: 'trunk', files: { 'a.yaml': 'x\n' } });
      await git(clone, 'checkout', '--quiet', '-b', 'main');
      await commitFiles(clone, { 'b.yaml': 'y\n' }, 'on main');
      await push(clone, { refspec: 'main' });
      const src = await GitSource.open({ repo: origin, stateDir: await stateDir() });
      assert.equal(src.branch, 'trunk');
      const chosen = await GitSource.open({ repo: origin, branch: 'main', stateDir: await stateDir() });
      assert.equal(chosen.branch, 'main');
    });

    it('remembers the default branch for a restart while the remote is away', async () => {
      const { origin } = await makeBareWithClone({ branch: 'trunk', files: { 'a.yaml': 'x\n' } });
      const state = await stateDir();
      await GitSource.open({ repo: `file://${origin}`, stateDir: state });
      await rm(origin, { recursive: true, force: true });
      const again = await GitSource.open({ repo: `file://${origin}`, stateDir: state });
      assert.equal(again.branch, 'trunk');
      assert.equal((await again.fetch()).type, 'unreachable');
      // Without an earlier run: a missing path is a usage error, an unreadable one a git error.
      await assert.rejects(
        GitSource.open({ repo: `file://${origin}`, stateDir: await stateDir() }),
        (err) => isBerthError(err, 'E_USAGE') && /no such directory/.test(err.message),
      );
      const notARepo = await tempDir('berth-empty-');
      await assert.rejects(
        GitSource.open({ repo: notARepo, stateDir: await stateDir() }),
        (err) => isBerthError(err, 'E_GIT') && /default branch/.test(err.message) && err.hint === 'name the branch explicitly (--branch)',
      );
    });

    it('refuses a local path that does not exist and invalid options', async () => {
      const state = await stateDir();
      await assert.rejects(GitSource.open({ repo: join(state, 'nope'), stateDir: state }), /no such directory/);
      await assert.rejects(GitSource.open({ repo: 'ext::sh -c id', stateDir: state }), /::/);
      await assert.rejects(GitSource.open({ repo: state, branch: '--force', stateDir: state }), /branch/);
      await assert.rejects(GitSource.open({ repo: state, path: '../x', stateDir: state }), /\.\./);
    });
  });

  describe('fetch', () => {
    it('reports unchanged, advanced and force-pushed', async () => {
      const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
      const src = await GitSource.open({ repo: origin, stateDir: await stateDir() });
      assert.deepEqual(await src.fetch(), { type: 'advanced', sha: first, previous: undefined });
      assert.deepEqual(await src.fetch(), { type: 'unchanged', sha: first });

      const second = await commitFiles(clone, { 'a.yaml': '2\n' }, 'two');
      await push(clone);
      assert.deepEqual(await src.fetch(), { type: 'advanced', sha: second, previous: first });

      await git(clone, 'reset', '--quiet', '--hard', first!);
      const rewritten = await commitFiles(clone, { 'a.yaml': '3\n' }, 'rewritten');
      await push(clone, { force: true });
      assert.deepEqual(await src.fetch(), { type: 'force-pushed', sha: rewritten, previous: second });
      assert.equal(await src.head(), rewritten);
    });

    it('an unchanged remote costs one git process (ls-remote), not a rev-parse as well', async () => {
      const { origin, sha } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
      const state = await stateDir();
      const trace = join(state, 'git-trace');
      process.env.GIT_TRACE = trace; // read when berth builds its git environment (open)
      let src: GitSource;
      try {
        src = await GitSource.open({ repo: origin, stateDir: state });
      } finally {
        delete process.env.GIT_TRACE;
      }
      await src.fetch();
      const before = (await readFile(trace, 'utf8')).length;
      assert.deepEqual(await src.fetch(), { type: 'unchanged', sha });
      const commands = (await readFile(trace, 'utf8'))
        .slice(before)
        .split('\n')
        .filter((l) => / trace: built-in: git /.test(l));
      assert.deepEqual(
        commands.map((l) => l.replace(/.* built-in: git /, '').split(' ')[0]),
        ['ls-remote', 'upload-pack'],
        'ls-remote (and the upload-pack it runs on the local remote); no rev-parse',
      );
    });

    it('runs concurrent fetches one after the other: one advance, then unchanged', async () => {
      const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
      const src = await GitSource.open({ repo: origin, stateDir: await stateDir() });
      await src.fetch();
      const second = await commitFiles(clone, { 'a.yaml': '2\n' }, 'two');
      await push(clone);
      const results = await Promise.all([src.fetch(), src.fetch(), src.fetch()]);
      assert.deepEqual(results, [
        { type: 'advanced', sha: second, previous: first },
        { type: 'unchanged', sha: second },
        { type: 'unchanged', sha: second },
      ]);
    });

    it('reports a missing branch, and an unreachable remote, without throwing', async () => {
      const { origin, clone } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
      const src = await GitSource.open({ repo: origin, branch: 'release', stateDir: await stateDir() });
      assert.deepEqual(await src.fetch(), { type: 'branch-missing' });

      await push(clone, { refspec: 'HEAD:refs/heads/release' });
      assert.equal((await src.fetch()).type, 'advanced');

      await rm(origin, { recursive: true, force: true });
      const result = await src.fetch();
      assert.equal(result.type, 'unreachable');
      assert.ok(result.type === 'unreachable' && result.error.length > 0);
      void clone;
    });
  });

  describe('revision and commitsBetween', () => {
    it('reads author, dates, subject, body and parent', async () => {
      const repo = await makeRepo();
      const root = await commitFiles(repo, { 'a.yaml': '1\n' }, 'root', { date: '2024-05-01T12:00:00Z' });
      const sha = await commitFiles(repo, { 'a.yaml': '2\n' }, 'web: v2\n\nWhy: faster.\nSecond line.', {
        author: { name: 'Alice Ops', email: 'alice@example.test' },
        date: '2024-05-02T08:30:00+02:00',
      });
      const src = await GitSource.open({ repo, stateDir: await stateDir() });
      await src.fetch();
      assert.deepEqual(await src.revision(sha), {
        sha,
        parent: root,
        author: 'Alice Ops',
        authorEmail: 'alice@example.test',
        date: '2024-05-02T08:30:00+02:00',
        subject: 'web: v2',
        body: 'Why: faster.\nSecond line.',
      });
      const r = await src.revision(root);
      assert.equal(r.parent, undefined);
      assert.equal(r.author, TEST_AUTHOR.name);
      assert.equal(r.body, '');
      assert.equal((await src.revision(sha.slice(0, 10))).sha, sha);
      await assert.rejects(src.revision('deadbeefdeadbeef'), (err) => isBerthError(err, 'E_GIT'));
      await assert.rejects(src.revision('--all'), (err) => isBerthError(err, 'E_USAGE'));
    });

    it('lists the commits between two revisions oldest first', async () => {
      const repo = await makeRepo();
      const shas: string[] = [];
      for (let i = 1; i <= 5; i++) shas.push(await commitFiles(repo, { 'n.txt': `${i}\n` }, `commit ${i}`));
      const src = await GitSource.open({ repo, stateDir: await stateDir() });
      await src.fetch();
      const between = await src.commitsBetween(shas[1], shas[4]!);
      assert.deepEqual(
        between.map((r) => r.subject),
        ['commit 3', 'commit 4', 'commit 5'],
      );
      assert.deepEqual(
        (await src.commitsBetween(undefined, shas[2]!)).map((r) => r.sha),
        shas.slice(0, 3),
      );
      assert.deepEqual(
        (await src.commitsBetween(undefined, shas[4]!, { limit: 2 })).map((r) => r.sha),
        shas.slice(3),
      );
      assert.deepEqual(await src.commitsBetween(shas[4], shas[4]!), []);
    });
  });

  describe('checkout', () => {
    it('materialises only the manifests path of a commit, and prunes old checkouts', async () => {
      const repo = await makeRepo();
      const shas: string[] = [];
      shas.push(await commitFiles(repo, { 'deploy/web.yaml': 'v: 1\n', 'deploy/db/db.yaml': 'db\n', 'README.md': 'hi\n' }, 'c1'));
      for (let i = 2; i <= 5; i++) shas.push(await commitFiles(repo, { 'deploy/web.yaml': `v: ${i}\n` }, `c${i}`));
      const state = await stateDir();
      const src = await GitSource.open({ repo, path: './deploy/', stateDir: state });
      await src.fetch();

      const dir = await src.checkout(shas[0]!);
      assert.equal(dir, join(state, 'worktrees', shas[0]!, 'deploy'));
      assert.equal(await readFile(join(dir, 'web.yaml'), 'utf8'), 'v: 1\n');
      assert.equal(await readFile(join(dir, 'db', 'db.yaml'), 'utf8'), 'db\n');
      assert.deepEqual(await readdir(join(state, 'worktrees', shas[0]!)), ['deploy']);

      for (const sha of shas.slice(1)) {
        const d = await src.checkout(sha);
        assert.equal(await readFile(join(d, 'web.yaml'), 'utf8'), `v: ${shas.indexOf(sha) + 1}\n`);
      }
      const kept = (await readdir(join(state, 'worktrees'))).sort();
      assert.deepEqual(kept, shas.slice(2).sort());
      assert.equal(await git(repo, 'status', '--porcelain'), '');
    });

    it('refuses a commit where the path is missing, and writes symlinks as plain files', async () => {
      const repo = await makeRepo();
      const noDeploy = await commitFiles(repo, { 'other/a.yaml': 'a\n' }, 'no deploy yet');
      await commitFiles(repo, { 'deploy/a.yaml': 'a\n' }, 'deploy');
      await symlink('/etc/passwd', join(repo, 'deploy', 'leak.yaml'));
      const withLink = await commitFiles(repo, {}, 'a symlink');
      const src = await GitSource.open({ repo, path: 'deploy', stateDir: await stateDir() });
      await src.fetch();
      await assert.rejects(src.checkout(noDeploy), (err) => isBerthError(err, 'E_INVALID') && /does not exist/.test(err.message));
      const dir = await src.checkout(withLink);
      const leak = join(dir, 'leak.yaml');
      assert.ok((await stat(leak)).isFile());
      assert.equal(await readFile(leak, 'utf8'), '/etc/passwd');
    });
  });

  it('keeps its clone when reopened and notices a changed repository', async () => {
    const a = await makeBareWithClone({ files: { 'a.yaml': 'a\n' } });
    const b = await makeBareWithClone({ files: { 'b.yaml': 'b\n' } });
    const state = await stateDir();
    await (await GitSource.open({ repo: a.origin, stateDir: state })).fetch();
    const reopened = await GitSource.open({ repo: a.origin, stateDir: state });
    assert.deepEqual(await reopened.fetch(), { type: 'unchanged', sha: a.sha });
    const moved = await GitSource.open({ repo: b.origin, stateDir: state });
    assert.equal(await moved.head(), undefined);
    assert.deepEqual(await moved.fetch(), { type: 'advanced', sha: b.sha, previous: undefined });
    assert.equal(await headOf(b.origin, 'main'), b.sha);
  });
});
