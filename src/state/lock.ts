/**
 * One process drives an instance at a time: `berth run`, `berth apply` and `berth delete`
 * take `<stateDir>/<instance>.lock`. The file holds the owner's pid; a lock whose pid is
 * gone (a crash, kill -9) is stale and taken over, so a restart never needs a hand.
 * `berth run` also takes `<stateDir>/repo.lock`: one operator per state directory.
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as os from 'node:os';
import { BerthError } from '../util';
import { isSameProcess, processStartTime } from '../util';

export interface LockOwner {
  pid: number;
  /** The owner's start time (util/process), so a reused pid is not taken for the owner. */
  startTime?: number;
  host: string;
  command: string;
  since: string;
  /** The instance, in a lock that is not named after one (repo.lock). */
  instance?: string;
}

export interface InstanceLock {
  release(): Promise<void>;
}

export async function acquireInstanceLock(stateDir: string, instance: string, command: string): Promise<InstanceLock> {
  return acquire(path.join(stateDir, `${instance}.lock`), stateDir, `instance "${instance}"`, command, (owner) => ({
    message: `instance "${instance}" is already driven by \`berth ${owner.command}\` (pid ${owner.pid}, since ${owner.since})`,
    hint: 'stop that process, or use another --instance or --state-dir',
  }));
}

/**
 * `berth run` keeps one git clone and one journal per state directory
 * (`<stateDir>/repo.lock`): a second operator on the same directory, even for another
 * instance, would re-point the clone at its own repository under the first one's feet.
 */
export async function acquireRepoLock(stateDir: string, instance: string, command: string): Promise<InstanceLock> {
  return acquire(
    path.join(stateDir, 'repo.lock'),
    stateDir,
    `state directory ${stateDir}`,
    command,
    (owner) => ({
      message: `state directory ${stateDir} is already used by \`berth ${owner.command}\` for instance "${owner.instance ?? '?'}" (pid ${owner.pid}, since ${owner.since}); its git clone and journal serve one operator`,
      hint: 'give each operator its own --state-dir',
    }),
    instance,
  );
}

async function acquire(
  file: string,
  stateDir: string,
  what: string,
  command: string,
  refusal: (owner: LockOwner) => { message: string; hint: string },
  instance?: string,
): Promise<InstanceLock> {
  await mkdir(stateDir, { recursive: true });
  const startTime = processStartTime(process.pid);
  const me: LockOwner = {
    pid: process.pid,
    ...(startTime !== undefined ? { startTime } : {}),
    host: os.hostname(),
    command,
    since: new Date().toISOString(),
    ...(instance ? { instance } : {}),
  };
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
      if (owner && owner.host === me.host && isSameProcess(owner)) {
        const r = refusal(owner);
        throw new BerthError('E_LOCKED', r.message, r.hint);
      }
      if (owner && owner.host !== me.host) {
        throw new BerthError('E_LOCKED', `${what} is locked by host ${owner.host} (pid ${owner.pid})`, `remove ${file} if that host is gone`);
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

async function releaseIfMine(file: string): Promise<void> {
  const owner = await readOwner(file);
  if (owner?.pid === process.pid) await rm(file, { force: true });
}
