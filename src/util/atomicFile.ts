import { randomBytes } from 'node:crypto';
import { open, rename, unlink, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { BerthError, messageOf } from './errors';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o644; secrets use 0o400). */
  mode?: number;
  /** Create the parent directory when missing (default true). */
  mkdirs?: boolean;
}

/**
 * Replace `path` with `data` so that a reader (or a crash) sees either the old or the new
 * content, never a mix: write a temporary file next to it, fsync, rename over, fsync the
 * directory so the rename itself is durable.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  if (opts.mkdirs !== false) await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', opts.mode ?? 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new BerthError('E_IO', `cannot write ${path}: ${messageOf(err)}`, undefined, { cause: err });
  }
  await fsyncDir(dir);
}

/** fsync a directory so that entries created or renamed in it survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the data itself is already synced.
  } finally {
    await fh?.close();
  }
}
