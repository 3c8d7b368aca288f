import assert from 'node:assert/strict';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitSource } from '../../../src/git/source';
import { REVERT_ATTEMPTS, commitMessage } from '../../../src/git/writeBack';
import { isBerthError } from '../../../src/util/errors';
import { cleanupTemp, commitFiles, git, headOf, makeBareWithClone, makeRepo, push, tempDir } from '../../helpers/gitRepo';

describe('git/notes', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  it('adds, overwrites and reads a note on a commit', async () => {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'a.yaml': 'a\n' }, 'one');
    const src = await GitSource.open({ repo, stateDir: await tempDir('berth-state-') });
    await src.fetch();
    assert.equal(await src.readNote(sha), undefined);
    await src.addNote(sha, 'status: applying\n');
    await src.addNote(sha, 'status: succeeded\nactions: 3');
    assert.equal(await src.readNote(sha), 'status: succeeded\nactions: 3');
    assert.equal(await git(repo, 'notes', '--ref=berth', 'list'), '', "the user's repository is not touched");
    await assert.rejects(src.addNote(sha, '  '), (err) => isBerthError(err, 'E_USAGE'));
  });

  it('pushes notes to the origin, merging notes someone else pushed', async () => {
    const { origin, clone, sha: first } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
    const second = await commitFiles(clone, { 'a.yaml': '2\n' }, 'two');
    await push(clone);
    const src = await GitSource.open({ repo: origin, stateDir: await tempDir('berth-state-') });
    await src.pushNotes(); // nothing written yet: a no-op
    await src.fetch();
    await src.addNote(first!, 'first: succeeded');
    await src.pushNotes();
    assert.equal(await git(origin, 'notes', '--ref', 'berth', 'show', first!), 'first: succeeded\n');

    // Another writer adds a note on the origin; berth's push is rejected, merges, retries.
    await git(clone, 'fetch', '--quiet', 'origin', 'refs/notes/berth:refs/notes/berth');
    await git(clone, 'notes', '--ref=berth', 'add', '-m', 'second: by someone else', second);
    await git(clone, 'push', '--quiet', 'origin', 'refs/notes/berth');
    await src.addNote(second, 'second: failed');
    await src.pushNotes();
    assert.equal(await git(origin, 'notes', '--ref', 'berth', 'show', first!), 'first: succeeded\n');
    const merged = await git(origin, 'notes', '--ref', 'berth', 'show', second);
    assert.match(merged, /second: by someone else/);
    assert.match(merged, /second: failed/);
  });
});

describe('git/revertAndPush', function () {
  this.timeout(60_000);
  after(cleanupTemp);

  async function setup() {
    const { origin, clone, sha: good } = await makeBareWithClone({ files: { 'web.yaml': 'image: v1\n' } });
    const bad = await commitFiles(clone, { 'web.yaml': 'image: v2-broken\n' }, 'web: v2');
    await push(clone);
    const state = await tempDir('berth-state-');
    const src = await GitSource.open({ repo: origin, stateDir: state });
    await src.fetch();
    return { origin, clone, good: good!, bad, state, src };
  }

  it('pushes a revert commit with trailers on top of the branch, without force', async () => {
    const { origin, good, bad, src, state } = await setup();
    const { sha } = await src.revertAndPush(bad, 'Revert "web: v2"\n\nberth rolled back a failed revision.', {
      'Berth-Rollback-Of': bad,
      'Berth-Rollback-To': good,
    });
    assert.equal(await headOf(origin, 'main'), sha);
    assert.equal(await git(origin, 'rev-parse', `${sha}^`), `${bad}\n`);
    assert.equal(await git(origin, 'show', `${sha}:web.yaml`), 'image: v1\n');
    const message = await git(origin, 'log', '-1', '--format=%an <%ae>%n%B', sha);
    assert.equal(
      message,
      `berth <berth@localhost>\nRevert "web: v2"\n\nberth rolled back a failed revision.\n\n` + `Berth-Rollback-Of: ${bad}\nBerth-Rollback-To: ${good}\n\n`,
    );
    const trailers = await git(origin, 'log', '-1', '--format=%(trailers:key=Berth-Rollback-Of,valueonly)', sha);
    assert.equal(trailers.trim(), bad);
    assert.deepEqual(await readdir(join(state, 'scratch')), [], 'scratch worktree removed');
    // The reconciler's own fetch still sees the revert as a new commit.
    assert.deepEqual(await src.fetch(), { type: 'advanced', sha, previous: bad });
  });

  it('rebuilds the revert on a commit pushed meanwhile (race), never forcing', async () => {
    const { origin, clone, bad, src, state } = await setup();
    // A pre-push hook in berth's clone pushes another commit to the origin the first time
    // berth pushes: exactly the window between berth's fetch and its push.
    const marker = join(state, 'raced');
    const hook = join(state, 'repo', 'hooks', 'pre-push');
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        `[ -e '${marker}' ] && exit 0`,
        `touch '${marker}'`,
        `cd '${clone}' && unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE &&`,
        "  echo 'other: 1' > other.yaml && git add other.yaml && git commit -q -m 'someone else' &&",
        '  git push -q origin HEAD:main',
        '',
      ].join('\n'),
    );
    await chmod(hook, 0o755);
    const { sha } = await src.revertAndPush(bad, 'Revert "web: v2"', { 'Berth-Rollback-Of': bad });
    const someoneElse = await headOf(clone);
    assert.notEqual(someoneElse, bad);
    assert.equal(await readFile(marker, 'utf8'), '');
    assert.equal(await headOf(origin, 'main'), sha);
    assert.equal(await git(origin, 'rev-parse', `${sha}^`), `${someoneElse}\n`, 'revert sits on the racing commit');
    assert.equal(await git(origin, 'show', `${sha}:other.yaml`), 'other: 1\n');
    assert.equal(await git(origin, 'show', `${sha}:web.yaml`), 'image: v1\n');
  });

  it('gives up after a bounded number of lost races, leaving the branch to the others', async () => {
    const { origin, clone, bad, src, state } = await setup();
    const hook = join(state, 'repo', 'hooks', 'pre-push');
    await writeFile(
      hook,
      [
        '#!/bin/sh',
        `cd '${clone}' && unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE &&`,
        '  date +%s%N >> busy.txt && git add busy.txt && git commit -q -m busy && git push -q origin HEAD:main',
        '',
      ].join('\n'),
    );
    await chmod(hook, 0o755);
    await assert.rejects(src.revertAndPush(bad, 'Revert'), (err) => isBerthError(err, 'E_GIT') && /cannot push the revert/.test(err.message));
    assert.equal(await headOf(origin, 'main'), await headOf(clone), 'the last racing commit is the head');
    assert.equal((await git(clone, 'log', '--format=%s', '--grep=^busy$')).trim().split('\n').length, REVERT_ATTEMPTS);
  });

  it('refuses a revert that does not apply', async () => {
    const { origin, clone, bad, src } = await setup();
    const v3 = await commitFiles(clone, { 'web.yaml': 'image: v3\n' }, 'web: v3 on top');
    await push(clone);
    await assert.rejects(src.revertAndPush(bad, 'Revert'), (err) => isBerthError(err, 'E_GIT') && /does not apply/.test(err.message));
    assert.equal(await headOf(origin, 'main'), v3, 'nothing pushed');
  });

  it('refuses a commit that is no longer on the branch, or unknown', async () => {
    const { origin, clone, good, bad, src } = await setup();
    await git(clone, 'reset', '--quiet', '--hard', good);
    await push(clone, { force: true });
    await assert.rejects(src.revertAndPush(bad, 'Revert'), (err) => isBerthError(err, 'E_GIT') && /not on main/.test(err.message));
    assert.equal(await headOf(origin, 'main'), good);
    const stranger = await commitFiles(await makeRepo(), { x: '1' }, 'elsewhere');
    await assert.rejects(src.revertAndPush(stranger, 'Revert'), (err) => isBerthError(err, 'E_GIT'));
  });

  it('formats trailers and refuses unsafe ones', () => {
    assert.equal(commitMessage('Revert x\n\n', { 'Berth-Rollback-Of': 'abc' }), 'Revert x\n\nBerth-Rollback-Of: abc\n');
    assert.equal(commitMessage('Revert x', {}), 'Revert x\n');
    assert.throws(() => commitMessage('m', { 'Bad Key': 'v' }), /trailer key/);
    assert.throws(() => commitMessage('m', { Key: 'two\nlines' }), /one line/);
    assert.throws(() => commitMessage('  ', {}), /empty/);
  });
});
