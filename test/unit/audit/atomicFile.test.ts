import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../src/util/atomicFile';
import { isBerthError } from '../../../src/util/errors';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';

// src/util/atomicFile.ts is owned by the audit module's author; its tests live here.
describe('util/writeFileAtomic', () => {
  after(cleanupTemp);

  it('creates parent directories, writes, and replaces without leftovers', async () => {
    const dir = await tempDir('berth-atomic-');
    const file = join(dir, 'a', 'b', 'state.json');
    await writeFileAtomic(file, '{"v":1}');
    await writeFileAtomic(file, Buffer.from('{"v":2}'));
    assert.equal(await readFile(file, 'utf8'), '{"v":2}');
    assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['state.json']);
  });

  it('applies the requested mode to the new file', async () => {
    const file = join(await tempDir('berth-atomic-'), 'secret');
    await writeFileAtomic(file, 'pw', { mode: 0o400 });
    assert.equal((await stat(file)).mode & 0o777, 0o400);
    await writeFileAtomic(file, 'pw2', { mode: 0o400 }); // replacing a read-only file works (rename)
    assert.equal(await readFile(file, 'utf8'), 'pw2');
  });

  it('leaves the old content and no temporary file when the write fails', async () => {
    const dir = await tempDir('berth-atomic-');
    const file = join(dir, 'target');
    await writeFile(file, 'old');
    await mkdir(join(dir, 'blocker'));
    // Renaming a file over a non-empty directory fails after the temporary file was written.
    await writeFile(join(dir, 'blocker', 'x'), '');
    await assert.rejects(writeFileAtomic(join(dir, 'blocker'), 'new'), (err) => isBerthError(err, 'E_IO'));
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual((await readdir(dir)).sort(), ['blocker', 'target']);
  });
});
