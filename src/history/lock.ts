/**
 * Who drives the instance (I/O edge): take the instance lock (src/state/lock), or learn that
 * an operator (`berth run`) holds it. Another command holding it (`berth apply`, `delete`) is
 * an error: wait for it. The owner is read from the lock file src/state/lock writes
 * (`<stateDir>/<instance>.lock`, JSON with `command`), which that module does not export.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireInstanceLock, type InstanceLock } from '../state';
import { isBerthError } from '../util';

export type Driver = { type: 'locked'; lock: InstanceLock } | { type: 'operator'; message: string };

export async function takeInstance(stateDir: string, instance: string, command: string): Promise<Driver> {
  try {
    return { type: 'locked', lock: await acquireInstanceLock(stateDir, instance, command) };
  } catch (err) {
    if (!isBerthError(err, 'E_LOCKED')) throw err;
    const owner = await lockCommand(stateDir, instance);
    if (owner === 'run') return { type: 'operator', message: err.message };
    throw err;
  }
}

async function lockCommand(stateDir: string, instance: string): Promise<string | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(stateDir, `${instance}.lock`), 'utf8')) as { command?: unknown };
    return typeof owner.command === 'string' ? owner.command : undefined;
  } catch {
    return undefined;
  }
}
