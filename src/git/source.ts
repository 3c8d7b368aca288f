import { isDirectory } from '../util';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { BerthError, messageOf } from '../util';
import { materialise, pruneCheckouts } from './checkout';
import { createGit, gitError, runGit } from './exec';
import { clearStaleLocks } from './locks';
import { LOG_FORMAT, parseLog } from './log';
import { addNote, pushNotes, readNote } from './notes';
import { type Identity, REMOTE, ensureClone, followedBefore, isAncestor, lsRemoteBranch, refSha, resolveBranch, trackingRef } from './store';
import type { FetchResult, GitLog, RepoLocation, Revision } from './types';
import { redactUrl, validateBranch, validateCommitId, validateRepoUrl, validateSubPath } from './validate';
import { commitMessage, revertAndPush } from './writeBack';

export interface GitSourceOptions {
  /** A local path (working or bare repository) or a URL; see validateRepoUrl. */
  repo: string;
  /** Default: the remote's default branch. */
  branch?: string;
  /** Folder of the manifests inside the repository (default: the root). */
  path?: string;
  stateDir: string;
  log?: GitLog;
  /** Author and committer of revert commits and notes (default berth <berth@localhost>). */
  author?: Identity;
  /** Kill a git command that prints nothing for this long (default 120 s). */
  timeoutMs?: number;
}

const DEFAULT_AUTHOR: Identity = { name: 'berth', email: 'berth@localhost' };
const DEFAULT_COMMITS_LIMIT = 1000;

/**
 * The Git side of berth: its own clone under `<stateDir>/repo`, fetched on demand; commits
 * read from it, trees materialised from it, outcomes written back to it. Knows nothing
 * about what the files mean.
 */
export class GitSource {
  /** Operations that write to berth's clone run one at a time (git would fail on ref locks). */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly location: RepoLocation,
    readonly branch: string,
    readonly path: string,
    readonly stateDir: string,
    private readonly git: SimpleGit,
    private readonly log: GitLog,
  ) {}

  /**
   * Validates the options and prepares berth's clone. The caller holds the instance lock:
   * lock files a crashed git left in the clone are removed here as stale.
   */
  static async open(opts: GitSourceOptions): Promise<GitSource> {
    const location = validateRepoUrl(opts.repo);
    const requested = opts.branch === undefined ? undefined : validateBranch(opts.branch);
    const subPath = validateSubPath(opts.path);
    const log = opts.log ?? (() => undefined);
    const repoDir = join(opts.stateDir, 'repo');
    await mkdir(repoDir, { recursive: true }).catch((err) => {
      throw new BerthError('E_IO', `cannot create ${repoDir}: ${messageOf(err)}`, undefined, { cause: err });
    });
    const git = createGit(opts.stateDir, { gitDir: repoDir, timeoutMs: opts.timeoutMs });
    if (location.kind === 'local' && !(await isDirectory(location.path))) {
      // A typo fails fast; a repository that vanished after berth followed it is remote trouble.
      if (!(await followedBefore(git, location.url))) {
        throw new BerthError('E_USAGE', `repository ${JSON.stringify(opts.repo)}: no such directory ${location.path}`);
      }
      log('local repository is missing; fetches will report it unreachable', { path: location.path });
    }
    const stale = await clearStaleLocks(repoDir);
    if (stale.length) log('removed stale git lock files from an interrupted run', { files: stale });
    await ensureClone(git, repoDir, location.url, opts.author ?? DEFAULT_AUTHOR, log);
    const branch = requested ?? validateBranch(await resolveBranch(git, location.url, log));
    await runGit(git, ['config', 'berth.branch', branch]).catch((err) => {
      throw gitError('cannot remember the branch', err);
    });
    log('git source ready', { repo: redactUrl(location.url), branch, path: subPath || '.' });
    return new GitSource(location, branch, subPath, opts.stateDir, git, log);
  }

  get repoDir(): string {
    return join(this.stateDir, 'repo');
  }

  private get scratchDir(): string {
    return join(this.stateDir, 'scratch');
  }

  /** The commit berth last fetched for its branch (no network). */
  async head(): Promise<string | undefined> {
    return refSha(this.git, trackingRef(this.branch));
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Bring the branch up to date. Remote trouble comes back as a value; this never throws for
   * it. Concurrent calls run one after the other; the later ones usually say `unchanged`.
   */
  fetch(): Promise<FetchResult> {
    return this.exclusive(() => this.fetchNow());
  }

  /**
   * The tracking ref's commit as this process last read or wrote it: berth's clone is its
   * own, and its ref moves only by fetchNow() (and a write-back, which forgets it), so an
   * unchanged remote costs one git process (ls-remote) per fetch, not two.
   */
  private trackedSha?: string;

  private async fetchNow(): Promise<FetchResult> {
    const ref = trackingRef(this.branch);
    try {
      const previous = this.trackedSha ?? (await refSha(this.git, ref));
      let remote: string | undefined;
      try {
        remote = await lsRemoteBranch(this.git, this.branch);
      } catch (err) {
        return { type: 'unreachable', error: redactUrl(messageOf(err).trim()) };
      }
      if (remote === undefined) return { type: 'branch-missing' };
      // Unchanged (every no-op pass asked through a trigger): one git process (trackedSha).
      if (remote === previous) return { type: 'unchanged', sha: remote };
      const refspec = `+refs/heads/${this.branch}:${ref}`;
      this.trackedSha = undefined;
      await runGit(this.git, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', REMOTE, refspec]);
      const fetched = await refSha(this.git, ref);
      this.trackedSha = fetched;
      return await this.classify(previous, fetched);
    } catch (err) {
      this.trackedSha = undefined;
      return { type: 'unreachable', error: redactUrl(messageOf(err).trim()) };
    }
  }

  private async classify(previous: string | undefined, sha: string | undefined): Promise<FetchResult> {
    if (sha === undefined) return { type: 'branch-missing' };
    if (sha === previous) return { type: 'unchanged', sha };
    if (previous === undefined) return { type: 'advanced', sha, previous };
    const forward = await isAncestor(this.git, previous, sha);
    this.log(forward ? 'branch advanced' : 'branch force-pushed', { branch: this.branch, previous, sha });
    return forward ? { type: 'advanced', sha, previous } : { type: 'force-pushed', sha, previous };
  }

  async revision(sha: string): Promise<Revision> {
    validateCommitId(sha);
    let out: string;
    try {
      out = await runGit(this.git, ['log', '-1', '--no-walk', LOG_FORMAT, '--end-of-options', sha, '--']);
    } catch (err) {
      throw gitError(`cannot read commit ${sha}`, err);
    }
    const [rev] = parseLog(out);
    if (!rev) throw new BerthError('E_GIT', `commit ${sha} not found in berth's clone`);
    return rev;
  }

  /** Commits after `fromExclusive` up to and including `to`, oldest first (newest `limit` of them). */
  async commitsBetween(fromExclusive: string | undefined, to: string, opts: { limit?: number } = {}): Promise<Revision[]> {
    validateCommitId(to);
    if (fromExclusive !== undefined) validateCommitId(fromExclusive);
    const limit = opts.limit ?? DEFAULT_COMMITS_LIMIT;
    const range = fromExclusive === undefined ? [to] : [to, `^${fromExclusive}`];
    try {
      const out = await runGit(this.git, ['log', '--topo-order', '--reverse', `--max-count=${limit}`, LOG_FORMAT, '--end-of-options', ...range, '--']);
      return parseLog(out);
    } catch (err) {
      throw gitError(`cannot list commits ${fromExclusive ?? '(root)'}..${to}`, err);
    }
  }

  /** Write the files of `sha` (only under `path`) to a private directory; returns the manifests directory. */
  async checkout(sha: string): Promise<string> {
    validateCommitId(sha);
    const full = (await this.revision(sha)).sha;
    const worktreesDir = join(this.stateDir, 'worktrees');
    return this.exclusive(async () => {
      const dir = await materialise({ repoDir: this.repoDir, worktreesDir, sha: full, subPath: this.path });
      const removed = await pruneCheckouts(worktreesDir, full);
      if (removed.length) this.log('pruned old checkouts', { removed });
      return dir;
    });
  }

  async addNote(sha: string, text: string): Promise<void> {
    validateCommitId(sha);
    await this.ensureScratch();
    await this.exclusive(() => addNote(this.git, this.scratchDir, sha, text));
  }

  async readNote(sha: string): Promise<string | undefined> {
    validateCommitId(sha);
    return readNote(this.git, sha);
  }

  async pushNotes(): Promise<void> {
    await this.exclusive(() => pushNotes(this.git, this.log));
  }

  /**
   * Revert `badSha` on top of the remote's current head and push without force, rebuilding
   * on the new head when someone pushed meanwhile. Trailers go after the message.
   */
  async revertAndPush(badSha: string, message: string, trailers: Record<string, string> = {}): Promise<{ sha: string }> {
    validateCommitId(badSha);
    const text = commitMessage(message, trailers);
    const full = (await this.revision(badSha)).sha;
    const ctx = { git: this.git, scratchDir: this.scratchDir, branch: this.branch, log: this.log };
    return this.exclusive(() => {
      this.trackedSha = undefined; // the write-back may move the tracking ref
      return revertAndPush(ctx, full, text);
    });
  }

  private async ensureScratch(): Promise<void> {
    await mkdir(this.scratchDir, { recursive: true });
  }
}
