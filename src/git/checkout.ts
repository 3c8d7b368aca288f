import { isDirectory } from '../util';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '../util';
import { createGit, gitError, runGit } from './exec';

/*
 * Materialise the files of one commit under `<stateDir>/worktrees/<sha>/` with a private
 * index and work tree (read-tree + checkout-index), so berth's clone stays bare and no user's working
 * tree is ever touched. Only `subPath` is written. A finished directory is immutable and
 * reused; it appears by rename, so a crash leaves at most a `.tmp-` directory behind.
 */

export const KEEP_CHECKOUTS = 3;

export interface CheckoutRequest {
  repoDir: string;
  worktreesDir: string;
  sha: string;
  /** Normalised sub-path ('' = repository root). */
  subPath: string;
}

/** Returns the manifests directory: `<worktreesDir>/<sha>/<subPath>`. */
export async function materialise(req: CheckoutRequest): Promise<string> {
  const { repoDir, worktreesDir, sha, subPath } = req;
  const target = join(worktreesDir, sha);
  const manifests = subPath ? join(target, subPath) : target;
  if (await isDirectory(target)) {
    const now = new Date();
    await utimes(target, now, now);
    return manifests;
  }
  await mkdir(worktreesDir, { recursive: true });
  const tmp = join(worktreesDir, `.tmp-${sha}-${randomBytes(4).toString('hex')}`);
  const index = `${tmp}.index`;
  try {
    await mkdir(tmp);
    const git = createGit(tmp, { gitDir: repoDir, env: { GIT_INDEX_FILE: index, GIT_WORK_TREE: tmp } });
    await checkSubPath(git, sha, subPath);
    const treeish = subPath ? `${sha}:${subPath}` : sha;
    await runGit(git, ['read-tree', ...(subPath ? [`--prefix=${subPath}/`] : []), treeish]);
    await runGit(git, ['checkout-index', '--all']);
    await mkdir(subPath ? join(tmp, subPath) : tmp, { recursive: true });
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (err instanceof BerthError) throw err;
    throw gitError(`cannot check out ${sha}${subPath ? ` (path ${subPath})` : ''}`, err);
  } finally {
    await rm(index, { force: true });
  }
  return manifests;
}

async function checkSubPath(git: ReturnType<typeof createGit>, sha: string, subPath: string): Promise<void> {
  const type = (await runGit(git, ['cat-file', '-t', `${sha}:${subPath}`]).catch(() => undefined))?.trim();
  if (type === 'tree') return;
  if (!subPath) throw new BerthError('E_GIT', `commit ${sha} is not in berth's clone`);
  // The commit's content, not git, is at fault: E_INVALID, so the loop rejects the commit.
  throw new BerthError(
    'E_INVALID',
    type === undefined
      ? `path "${subPath}" does not exist in commit ${sha.slice(0, 12)}`
      : `path "${subPath}" is a ${type}, not a directory, in commit ${sha.slice(0, 12)}`,
  );
}

/** Keep the `keep` most recently used checkouts (never `current`), remove the rest. */
export async function pruneCheckouts(worktreesDir: string, current: string, keep = KEEP_CHECKOUTS): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(worktreesDir);
  } catch {
    return [];
  }
  const dirs: { name: string; mtime: number }[] = [];
  for (const name of names) {
    if (name.startsWith('.tmp-')) continue; // may belong to a checkout in progress
    const s = await stat(join(worktreesDir, name)).catch(() => undefined);
    if (s?.isDirectory()) dirs.push({ name, mtime: name === current ? Infinity : s.mtimeMs });
  }
  dirs.sort((a, b) => b.mtime - a.mtime);
  const removed = dirs.slice(Math.max(keep, 1)).map((d) => d.name);
  for (const name of removed) await rm(join(worktreesDir, name), { recursive: true, force: true });
  return removed;
}
