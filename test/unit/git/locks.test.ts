import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { clearStaleLocks } from '../../../src/git/locks';
import { GitSource } from '../../../src/git/source';
import { cleanupTemp, commitFiles, makeRepo, tempDir } from '../../helpers/gitRepo';

async function touch(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
}

describe('git/clearStaleLocks', function () {
  this.timeout(30_000);
  after(cleanupTemp);

  it('removes the lock files of refs and of the top-level files, nothing else', async () => {
    const dir = await tempDir('berth-locks-');
    const locks = ['refs/remotes/origin/main.lock', 'refs/notes/berth.lock', 'refs/heads/a/b.lock', 'packed-refs.lock', 'config.lock', 'HEAD.lock'];
    const kept = ['refs/remotes/origin/main', 'packed-refs', 'config', 'objects/pack/x.lock', 'refs/notes/berth'];
    for (const f of [...locks, ...kept]) await touch(join(dir, f));
    assert.deepEqual(await clearStaleLocks(dir), [...locks].sort());
    for (const f of kept) assert.ok((await readdir(dirname(join(dir, f)))).includes(f.split('/').pop()!), `${f} was removed`);
  });

  it('is a no-op on a directory without a clone', async () => {
    assert.deepEqual(await clearStaleLocks(join(await tempDir('berth-locks-'), 'nothing')), []);
  });

  it('GitSource.open clears them, so a fetch after a crash of git mid-update works', async () => {
    const repo = await makeRepo();
    await commitFiles(repo, { 'a.yaml': 'a: 1\n' }, 'one');
    const state = await tempDir('berth-state-');
    await (await GitSource.open({ repo, stateDir: state })).fetch();
    const two = await commitFiles(repo, { 'a.yaml': 'a: 2\n' }, 'two');
    await touch(join(state, 'repo', 'refs/remotes/origin/main.lock'));
    await touch(join(state, 'repo', 'refs/notes/berth.lock'));
    const logged: string[] = [];
    const src = await GitSource.open({ repo, stateDir: state, log: (m) => logged.push(m) });
    assert.equal((await src.fetch()).type, 'advanced');
    assert.equal(await src.head(), two);
    await src.addNote(two, 'berth: succeeded\n');
    assert.ok(
      logged.some((m) => /stale git lock/.test(m)),
      logged.join('\n'),
    );
  });
});
