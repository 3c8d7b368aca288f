/**
 * The proxy's pid file: created exclusively, so of two proxies started for one instance
 * only one runs. A file naming a process that is gone (or whose pid was reused: another
 * start time) is stale and taken over. The running proxy keeps checking that the file
 * still names it (see daemon.ts), which also settles the rare race of two takeovers.
 */
import { open, stat, unlink } from 'node:fs/promises';
import { sleep } from '../../util';
import { BerthError, messageOf } from '../../util';
import { readPidFile } from './files';
import { isSameProcess } from '../../util';
import type { PidFile } from './types';

export type PidOutcome = { kind: 'acquired' } | { kind: 'held'; holder: PidFile };

/** A pid file younger than this that cannot be parsed is being written: wait for it. */
const TORN_GRACE_MS = 2000;

export async function acquirePidFile(path: string, me: PidFile): Promise<PidOutcome> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      try {
        await fh.writeFile(JSON.stringify(me) + '\n');
        await fh.sync();
      } finally {
        await fh.close();
      }
      return { kind: 'acquired' };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new BerthError('E_IO', `cannot create ${path}: ${messageOf(err)}`);
    }
    const holder = await readPidFile(path);
    if (holder.kind === 'ok' && isSameProcess(holder.value)) return { kind: 'held', holder: holder.value };
    if (holder.kind === 'invalid' && (await ageMs(path)) < TORN_GRACE_MS) {
      await sleep(50);
      continue;
    }
    await unlink(path).catch(() => undefined); // stale
  }
  throw new BerthError('E_LOCKED', `cannot take ${path}: it keeps changing`);
}

/** Remove the pid file if it still names `me`. */
export async function releasePidFile(path: string, me: PidFile): Promise<void> {
  const cur = await readPidFile(path);
  if (cur.kind === 'ok' && cur.value.pid === me.pid && cur.value.nonce === me.nonce) await unlink(path).catch(() => undefined);
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return Infinity;
  }
}
