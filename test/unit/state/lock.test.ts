import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquireInstanceLock, acquireRepoLock } from '../../../src/state/lock';
import { isBerthError } from '../../../src/util/errors';

describe('instance lock', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'berth-lock-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses a second holder with a message naming the first', async () => {
    const first = await acquireInstanceLock(dir, 'a', 'run');
    await assert.rejects(acquireInstanceLock(dir, 'a', 'apply'), (err: unknown) => isBerthError(err, 'E_LOCKED') && /berth run` \(pid \d+/.test(err.message));
    await first.release();
  });

  it('is per instance', async () => {
    const a = await acquireInstanceLock(dir, 'a', 'run');
    const b = await acquireInstanceLock(dir, 'b', 'run');
    await Promise.all([a.release(), b.release()]);
  });

  it('can be taken again after release', async () => {
    await (await acquireInstanceLock(dir, 'a', 'run')).release();
    await (await acquireInstanceLock(dir, 'a', 'run')).release();
  });

  it('the repo lock admits one operator per state directory, whatever its instance, and names the holder', async () => {
    const a = await acquireRepoLock(dir, 'a', 'run');
    await assert.rejects(
      acquireRepoLock(dir, 'b', 'run'),
      (err: unknown) =>
        isBerthError(err, 'E_LOCKED') &&
        err.message.includes(`state directory ${dir} is already used by \`berth run\` for instance "a" (pid ${process.pid},`) &&
        /own --state-dir/.test(err.hint ?? ''),
    );
    await a.release();
    await (await acquireRepoLock(dir, 'b', 'run')).release();
  });

  it('names the other host holding a lock', async () => {
    await writeFile(path.join(dir, 'a.lock'), JSON.stringify({ pid: 1, host: 'elsewhere', command: 'run', since: 'then' }));
    await assert.rejects(
      acquireInstanceLock(dir, 'a', 'apply'),
      (err: unknown) => isBerthError(err, 'E_LOCKED') && /instance "a" is locked by host elsewhere \(pid 1\)/.test(err.message),
    );
  });

  it('takes over a stale lock whose process is gone', async () => {
    // pid 2^22+1 is above Linux's pid_max default range, so no such process exists.
    await writeFile(path.join(dir, 'a.lock'), JSON.stringify({ pid: 4194305, host: os.hostname(), command: 'run', since: 'then' }));
    await (await acquireInstanceLock(dir, 'a', 'apply')).release();
  });

  it('takes over a lock whose pid now belongs to another process (the pid was reused)', async () => {
    // Our own pid is alive, but with another start time it is not the process that wrote the lock.
    await writeFile(path.join(dir, 'a.lock'), JSON.stringify({ pid: process.pid, startTime: 1, host: os.hostname(), command: 'run', since: 'then' }));
    await (await acquireInstanceLock(dir, 'a', 'apply')).release();
  });

  it('records its start time, so a live holder is still refused', async () => {
    const held = await acquireInstanceLock(dir, 'a', 'run');
    const owner = JSON.parse(await readFile(path.join(dir, 'a.lock'), 'utf8')) as { startTime?: number };
    assert.equal(typeof owner.startTime, 'number');
    await assert.rejects(acquireInstanceLock(dir, 'a', 'apply'), /already driven by `berth run`/);
    await held.release();
  });
});
