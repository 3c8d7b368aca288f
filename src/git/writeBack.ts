import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { BerthError } from '../util';
import { createGit, gitError, runGit } from './exec';
import { REMOTE, isAncestor, lsRemoteBranch, refSha } from './store';
import type { GitLog } from './types';

/*
 * Write-back: a revert commit of a bad revision, built in a scratch worktree of berth's
 * clone on top of the remote's current head and pushed without force. When someone pushes
 * in between, the push fails; the revert is rebuilt on the new head and pushed again.
 * The upstream head is fetched into refs/berth/upstream, not the tracking ref, so the
 * reconciler's own fetch() still sees every new commit (including the revert).
 */

const UPSTREAM_REF = 'refs/berth/upstream';
export const REVERT_ATTEMPTS = 5;

export interface WriteBackContext {
  git: SimpleGit;
  scratchDir: string;
  branch: string;
  log: GitLog;
}

export function commitMessage(message: string, trailers: Record<string, string>): string {
  const lines = Object.entries(trailers).map(([key, value]) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) throw new BerthError('E_USAGE', `bad trailer key ${JSON.stringify(key)}`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new BerthError('E_USAGE', `trailer ${key} must be one line`);
    return `${key}: ${value}`;
  });
  const text = message.trim();
  if (text === '') throw new BerthError('E_USAGE', 'revert message must not be empty');
  return lines.length ? `${text}\n\n${lines.join('\n')}\n` : `${text}\n`;
}

export async function revertAndPush(ctx: WriteBackContext, badSha: string, message: string): Promise<{ sha: string }> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= REVERT_ATTEMPTS; attempt++) {
    const base = await fetchUpstream(ctx);
    const revert = await buildRevert(ctx, base, badSha, message);
    try {
      await runGit(ctx.git, ['push', '--quiet', REMOTE, `${revert}:refs/heads/${ctx.branch}`]);
      ctx.log('pushed revert', { revert, of: badSha, onto: base, attempt });
      return { sha: revert };
    } catch (err) {
      lastError = err;
      const now = await lsRemoteBranch(ctx.git, ctx.branch).catch(() => undefined);
      if (now === base || now === undefined) break; // not a race: the push failed for another reason
      ctx.log('revert push rejected: the branch moved; rebuilding on the new head', { attempt, head: now });
    }
  }
  throw gitError(`cannot push the revert of ${badSha} to ${ctx.branch}`, lastError);
}

async function fetchUpstream(ctx: WriteBackContext): Promise<string> {
  try {
    await runGit(ctx.git, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', REMOTE, `+refs/heads/${ctx.branch}:${UPSTREAM_REF}`]);
  } catch (err) {
    throw gitError(`cannot fetch ${ctx.branch} before writing back`, err);
  }
  const sha = await refSha(ctx.git, UPSTREAM_REF);
  if (!sha) throw new BerthError('E_GIT', `branch ${ctx.branch} fetched but not found in berth's clone`);
  return sha;
}

/** Commit the revert of `badSha` on `base` in a throw-away worktree; returns its sha. */
async function buildRevert(ctx: WriteBackContext, base: string, badSha: string, message: string): Promise<string> {
  if (!(await isAncestor(ctx.git, badSha, base))) {
    throw new BerthError('E_GIT', `commit ${badSha} is not on ${ctx.branch} any more; nothing to revert`);
  }
  await mkdir(ctx.scratchDir, { recursive: true });
  const dir = join(ctx.scratchDir, `revert-${randomBytes(4).toString('hex')}`);
  const msgFile = `${dir}.msg`;
  await runGit(ctx.git, ['worktree', 'add', '--quiet', '--detach', dir, base]);
  try {
    const wt = createGit(dir);
    const parents = (await runGit(ctx.git, ['rev-list', '--parents', '-n', '1', badSha])).trim().split(' ');
    const mainline = parents.length > 2 ? ['--mainline', '1'] : [];
    try {
      await runGit(wt, ['revert', '--no-edit', '--no-commit', ...mainline, badSha]);
    } catch (err) {
      throw gitError(`the revert of ${badSha} does not apply cleanly on ${base}`, err);
    }
    const staged = (await runGit(wt, ['diff', '--cached', '--name-only'])).trim();
    if (staged === '') throw new BerthError('E_GIT', `the changes of ${badSha} are already undone on ${ctx.branch}`);
    await writeFile(msgFile, message);
    await runGit(wt, ['commit', '--quiet', '--no-verify', '--cleanup=whitespace', '--file', msgFile]);
    return (await runGit(wt, ['rev-parse', 'HEAD'])).trim();
  } finally {
    await runGit(ctx.git, ['worktree', 'remove', '--force', dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await rm(msgFile, { force: true });
    await runGit(ctx.git, ['worktree', 'prune']).catch(() => undefined);
  }
}
