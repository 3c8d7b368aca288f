/**
 * The instance's key for the digests of Secret data in pod hashes (model/sealed.ts):
 * `<state-dir>/spec-hash-key-<instance>`, 32 random bytes in hex, mode 0600, made by the
 * first command that reads manifests for the instance (diff, apply, delete, run, rollout).
 * Made with link(2), which never replaces a file, so two commands starting at once agree on
 * one key.
 *
 * Losing it (a new state directory) changes the hash of every pod that uses a Secret: those
 * pods are replaced once, by the ordinary rolling rules. Nothing else depends on it; observed
 * state is still read from labels alone.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BerthError, messageOf } from '../util';

const KEY_RE = /^[0-9a-f]{64}$/;

export function hashKeyPath(stateDir: string, instance: string): string {
  return path.join(stateDir, `spec-hash-key-${instance}`);
}

export async function instanceHashKey(stateDir: string, instance: string): Promise<Buffer> {
  const file = hashKeyPath(stateDir, instance);
  const existing = await readKey(file);
  if (existing) return existing;
  await fs.mkdir(stateDir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(tmp, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    await fs.link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err; // another command made it first: use that one
    });
  } catch (err) {
    throw new BerthError('E_IO', `cannot create ${file}: ${messageOf(err)}`);
  } finally {
    await fs.rm(tmp, { force: true });
  }
  const made = await readKey(file);
  if (!made) throw new BerthError('E_IO', `${file} vanished while it was made`);
  return made;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('E_IO', `cannot read ${file}: ${messageOf(err)}`);
  }
  if (!KEY_RE.test(text.trim()))
    throw new BerthError('E_IO', `${file} is not a key berth made (64 hex digits)`, 'remove it: a new key replaces, once, the pods that use Secrets');
  return Buffer.from(text.trim(), 'hex');
}
