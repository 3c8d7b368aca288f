/**
 * One process drives an instance at a time: `berth run`, `berth apply` and `berth delete`
 * take `<stateDir>/<instance>.lock`. The file holds the owner's pid; a lock whose pid is
 * gone (a crash, kill -9) is stale and taken over, so a restart never needs a hand.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as os from 'node:os';
import { BerthError } from '../util/errors';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface InstanceLock {
  release(): Promise<void>;
}

export async function acquireInstanceLock(stateDir: string, instance: string, command: string): Promise<InstanceLock> {
  await mkdir(stateDir, { recursive: true });
  const file = path.join(stateDir, `${instance}.lock`);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      await fh.writeFile(JSON.stringify(me));
      await fh.sync();
      await fh.close();
      return { release: () => releaseIfMine(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new BerthError('E_IO', `cannot create lock ${file}: ${(err as Error).message}`);
      const owner = await readOwner(file);
      if (owner && owner.host === me.host && isAlive(owner.pid)) {
        throw new BerthError(
          'E_LOCKED',
          `instance "${instance}" is already driven by \`berth ${owner.command}\` (pid ${owner.pid}, since ${owner.since})`,
          `stop that process, or use another --instance or --state-dir`,
        );
      }
      if (owner && owner.host !== me.host) {
        throw new BerthError('E_LOCKED', `instance "${instance}" is locked by host ${owner.host} (pid ${owner.pid})`, `remove ${file} if that host is gone`);
      }
      await rm(file, { force: true }); // stale: its process is gone
    }
  }
  throw new BerthError('E_LOCKED', `could not take lock ${file}`);
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // torn or empty: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfMine(file: string): Promise<void> {
  const owner = await readOwner(file);
  if (owner?.pid === process.pid) await rm(file, { force: true });
}
