import { readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';

/*
 * Lock files git leaves behind when it dies mid-update (power loss, OOM killer, a container
 * or cgroup killed with berth in it): `refs/.../<name>.lock`, `packed-refs.lock`,
 * `config.lock`, `HEAD.lock`, `shallow.lock`. git refuses to touch a locked file until
 * someone removes the lock, so one stale `refs/remotes/origin/main.lock` stopped every fetch
 * for good (reported as "remote unreachable") and one `refs/notes/berth.lock` every note.
 * berth's clone is written only by the process holding the instance lock, one git command at
 * a time, so at open every lock file in it is stale.
 */

const TOP_LEVEL_LOCKS = ['packed-refs.lock', 'config.lock', 'HEAD.lock', 'shallow.lock', 'index.lock'];

/** Removes stale git lock files from berth's bare clone; returns their paths relative to it. */
export async function clearStaleLocks(repoDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of TOP_LEVEL_LOCKS) {
    const path = join(repoDir, name);
    if (await removeFile(path)) removed.push(name);
  }
  for (const path of await lockFilesUnder(join(repoDir, 'refs'))) {
    if (await removeFile(path)) removed.push(relative(repoDir, path));
  }
  return removed.sort();
}

async function lockFilesUnder(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return []; // no clone yet, or no refs of this kind
  }
  const found: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) found.push(...(await lockFilesUnder(path)));
    else if (e.isFile() && e.name.endsWith('.lock')) found.push(path);
  }
  return found;
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch {
    return false; // absent
  }
}
