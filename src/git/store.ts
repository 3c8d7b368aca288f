import type { SimpleGit } from 'simple-git';
import { BerthError } from '../util';
import { gitError, runGit, runGitMaybe } from './exec';
import type { GitLog } from './types';
import { redactUrl } from './validate';

/*
 * berth's own bare clone under the state directory. Only the tracked branch is fetched,
 * into refs/remotes/origin/<branch>; other refs berth writes live under refs/berth/ and
 * refs/notes/.
 */

export const REMOTE = 'origin';

export function trackingRef(branch: string): string {
  return `refs/remotes/${REMOTE}/${branch}`;
}

export interface Identity {
  name: string;
  email: string;
}

/** Create or re-point the bare clone; idempotent, safe to call on every start. */
export async function ensureClone(git: SimpleGit, repoDir: string, url: string, who: Identity, log: GitLog): Promise<void> {
  try {
    await runGit(git, ['init', '--quiet', '--bare']);
    const current = (await runGitMaybe(git, ['config', '--get', `remote.${REMOTE}.url`]))?.trim();
    if (current === undefined) {
      await runGit(git, ['config', `remote.${REMOTE}.url`, url]);
    } else if (current !== url) {
      log('repository changed; forgetting what was fetched from the old one', {
        from: redactUrl(current),
        to: redactUrl(url),
      });
      await runGit(git, ['config', `remote.${REMOTE}.url`, url]);
      await forgetTrackingRefs(git);
    }
    // A symlink in the repository must never make berth read a file outside the checkout.
    await runGit(git, ['config', 'core.symlinks', 'false']);
    await runGit(git, ['config', 'user.name', who.name]);
    await runGit(git, ['config', 'user.email', who.email]);
  } catch (err) {
    throw gitError(`cannot prepare berth's clone in ${repoDir}`, err);
  }
}

async function forgetTrackingRefs(git: SimpleGit): Promise<void> {
  const refs = await runGit(git, ['for-each-ref', '--format=%(refname)', `refs/remotes/${REMOTE}/`]);
  for (const ref of refs.split('\n').filter(Boolean)) {
    await runGit(git, ['update-ref', '-d', ref]);
  }
}

/** Whether berth's clone (if any) already follows `url` and remembers a branch for it. */
export async function followedBefore(git: SimpleGit, url: string): Promise<boolean> {
  try {
    const current = (await runGitMaybe(git, ['config', '--get', `remote.${REMOTE}.url`]))?.trim();
    const branch = (await runGitMaybe(git, ['config', '--get', 'berth.branch']))?.trim();
    return current === url && !!branch;
  } catch {
    return false; // no clone yet
  }
}

/** The branch the remote's HEAD points at (`git ls-remote --symref <repo> HEAD`). */
export async function remoteDefaultBranch(git: SimpleGit): Promise<string | undefined> {
  const out = await runGit(git, ['ls-remote', '--symref', REMOTE, 'HEAD']);
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  return m?.[1];
}

/**
 * The branch to follow when the user named none: the remote's default branch, or the one
 * remembered from an earlier run when the remote cannot be reached right now.
 */
export async function resolveBranch(git: SimpleGit, url: string, log: GitLog): Promise<string> {
  let reason: string;
  try {
    const branch = await remoteDefaultBranch(git);
    if (branch) return branch;
    reason = 'its HEAD does not point at a branch';
  } catch (err) {
    reason = err instanceof Error ? err.message.trim() : String(err);
  }
  const remembered = (await runGitMaybe(git, ['config', '--get', 'berth.branch']))?.trim();
  if (remembered) {
    log('cannot ask the remote for its default branch; using the one from the last run', {
      branch: remembered,
      reason: redactUrl(reason),
    });
    return remembered;
  }
  throw new BerthError('E_GIT', `cannot determine the default branch of ${redactUrl(url)}: ${redactUrl(reason)}`, 'name the branch explicitly (--branch)');
}

/** The sha of refs/heads/<branch> on the remote; undefined when the branch does not exist. */
export async function lsRemoteBranch(git: SimpleGit, branch: string): Promise<string | undefined> {
  const want = `refs/heads/${branch}`;
  const out = await runGit(git, ['ls-remote', '--heads', REMOTE, want]);
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (ref === want && sha) return sha;
  }
  return undefined;
}

/** The commit a ref points at in berth's clone, or undefined. */
export async function refSha(git: SimpleGit, ref: string): Promise<string | undefined> {
  const out = await runGitMaybe(git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return out?.trim() || undefined;
}

/** Whether `ancestor` is reachable from `descendant`; false when either object is unknown. */
export async function isAncestor(git: SimpleGit, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await runGit(git, ['merge-base', '--is-ancestor', ancestor, descendant]);
    return true;
  } catch {
    return false;
  }
}
