/**
 * Where `berth rollout` reads commits from (I/O edge, git only, read-only except for
 * `latest()`): berth's own clone under `<stateDir>/repo` (the branch the operator follows,
 * as far as it has fetched it), or a user's local repository given with `--repo`.
 *
 * src/git has no API to list the commits of a path or to materialise a commit into a
 * directory of our choosing; this module runs those few reads itself through src/git's
 * hardened client (createGit/runGit) and reuses its checkout (materialise).
 */
import { isDirectory } from '../util';
import { join } from 'node:path';
import { materialise } from '../git';
import { createGit, gitError, runGit, runGitMaybe, type GitClient } from '../git';
import { LOG_FORMAT, parseLog } from '../git';
import { redactUrl, validateBranch, validateCommitId, validateRepoUrl, validateSubPath } from '../git';
import { BerthError } from '../util';
import type { CommitInfo } from './types';

export interface SourceOptions {
  stateDir: string;
  /** A local repository (working or bare); without it, berth's clone in the state dir. */
  repo?: string;
  branch?: string;
  /** The manifests folder inside the repository (the operator's --path). */
  path?: string;
}

/** The ref berth's clone fetches the remote branch into for `rollout undo` (never the operator's tracking ref). */
export const ROLLOUT_HEAD_REF = 'refs/berth/rollout-head';

export class HistorySource {
  private constructor(
    readonly kind: 'clone' | 'repo',
    readonly gitDir: string,
    /** What is walked: `refs/remotes/origin/<branch>`, `refs/heads/<branch>` or `HEAD`. */
    readonly ref: string,
    readonly branch: string,
    readonly subPath: string,
    /** The clone's remote (kind 'clone' only). */
    readonly remoteUrl: string | undefined,
    private readonly git: GitClient,
  ) {}

  static async open(opts: SourceOptions): Promise<HistorySource> {
    const subPath = validateSubPath(opts.path);
    const branch = opts.branch === undefined ? undefined : validateBranch(opts.branch);
    return opts.repo !== undefined ? openRepo(opts.repo, branch, subPath) : openClone(opts.stateDir, branch, subPath);
  }

  /** Create (used by open only). */
  static make(kind: 'clone' | 'repo', gitDir: string, ref: string, branch: string, subPath: string, remoteUrl: string | undefined): HistorySource {
    return new HistorySource(kind, gitDir, ref, branch, subPath, remoteUrl, createGit(gitDir, { gitDir }));
  }

  describe(): string {
    const where = this.kind === 'clone' ? `berth's clone of ${redactUrl(this.remoteUrl ?? '?')}` : this.gitDir;
    return `${this.branch} (${where})${this.subPath ? `, path ${this.subPath}` : ''}`;
  }

  async head(): Promise<string> {
    const sha = await this.resolveCommit(this.ref);
    if (!sha)
      throw new BerthError(
        'E_GIT',
        `${this.ref} does not exist in ${this.gitDir}`,
        this.kind === 'clone' ? 'has the operator fetched the branch yet? is --branch right?' : 'is --branch right?',
      );
    return sha;
  }

  /** The full sha of a commit, or undefined when this repository does not have it. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    const out = await runGitMaybe(this.git, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).catch(() => undefined);
    return out?.trim() || undefined;
  }

  /** Commits of the branch that touch the manifests folder, newest first, at most `limit`. */
  async log(limit: number): Promise<{ commits: CommitInfo[]; truncated: boolean }> {
    const head = await this.head();
    const args = ['log', '--topo-order', `--max-count=${limit + 1}`, LOG_FORMAT, '--end-of-options', head, '--', ...(this.subPath ? [this.subPath] : [])];
    let out: string;
    try {
      out = await runGit(this.git, args);
    } catch (err) {
      throw gitError(`cannot list the commits of ${this.describe()}`, err);
    }
    const revs = parseLog(out);
    const commits = revs.slice(0, limit).map((r) => ({ sha: r.sha, author: r.author, date: r.date, subject: r.subject }));
    return { commits, truncated: revs.length > limit };
  }

  /** The tree of the manifests folder in `sha`; undefined when the folder does not exist there. */
  async treeOf(sha: string): Promise<string | undefined> {
    // `<sha>:<path>` takes everything after the colon as the path: no `^{tree}` suffix there.
    const spec = this.subPath ? `${sha}:${this.subPath}` : `${sha}^{tree}`;
    const id = (await runGitMaybe(this.git, ['rev-parse', '--verify', '--quiet', '--end-of-options', spec]).catch(() => undefined))?.trim();
    if (!id) return undefined;
    const type = (await runGit(this.git, ['cat-file', '-t', id]).catch(() => undefined))?.trim();
    return type === 'tree' ? id : undefined;
  }

  /** Write the manifests of `sha` under `scratchDir`; returns their directory. */
  materialise(sha: string, scratchDir: string): Promise<string> {
    return materialise({ repoDir: this.gitDir, worktreesDir: scratchDir, sha: validateCommitId(sha), subPath: this.subPath });
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return runGit(this.git, ['merge-base', '--is-ancestor', ancestor, descendant]).then(
      () => true,
      () => false,
    );
  }

  /**
   * berth's clone, walked at the remote's branch as it is now (fetched into ROLLOUT_HEAD_REF,
   * not the operator's tracking ref). For `rollout undo` while the operator runs.
   */
  async latest(): Promise<HistorySource> {
    if (this.kind !== 'clone') throw new BerthError('E_USAGE', "only berth's clone follows a remote");
    try {
      await runGit(this.git, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', 'origin', `+refs/heads/${this.branch}:${ROLLOUT_HEAD_REF}`]);
    } catch (err) {
      throw gitError(`cannot fetch ${this.branch} from ${redactUrl(this.remoteUrl ?? 'the remote')}`, err);
    }
    return HistorySource.make('clone', this.gitDir, ROLLOUT_HEAD_REF, this.branch, this.subPath, this.remoteUrl);
  }
}

async function openClone(stateDir: string, branch: string | undefined, subPath: string): Promise<HistorySource> {
  const gitDir = join(stateDir, 'repo');
  const hint = 'give --repo PATH (a local repository), or the --state-dir of `berth run`';
  if (!(await isDirectory(gitDir))) throw new BerthError('E_USAGE', `no berth clone in ${gitDir}`, hint);
  const git = createGit(gitDir, { gitDir });
  const config = async (key: string) => (await runGitMaybe(git, ['config', '--get', key]).catch(() => undefined))?.trim() || undefined;
  const followed = await config('berth.branch');
  const url = await config('remote.origin.url');
  if (!followed || !url) throw new BerthError('E_USAGE', `${gitDir} is not a clone berth has followed a branch in`, hint);
  const b = branch ?? followed;
  return HistorySource.make('clone', gitDir, `refs/remotes/origin/${b}`, b, subPath, url);
}

async function openRepo(repo: string, branch: string | undefined, subPath: string): Promise<HistorySource> {
  const location = validateRepoUrl(repo);
  if (location.kind !== 'local')
    throw new BerthError(
      'E_USAGE',
      `--repo ${JSON.stringify(repo)}: rollout reads a local repository only`,
      'for a remote one, use the state dir of the `berth run` that follows it',
    );
  if (!(await isDirectory(location.path))) throw new BerthError('E_USAGE', `--repo ${JSON.stringify(repo)}: no such directory`);
  let gitDir: string;
  try {
    gitDir = (await runGit(createGit(location.path), ['rev-parse', '--absolute-git-dir'])).trim();
  } catch (err) {
    throw gitError(`${location.path} is not a git repository`, err);
  }
  const ref = branch === undefined ? 'HEAD' : `refs/heads/${branch}`;
  const shown =
    branch ?? ((await runGitMaybe(createGit(gitDir, { gitDir }), ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => undefined))?.trim() || 'HEAD');
  return HistorySource.make('repo', gitDir, ref, shown, subPath, undefined);
}
