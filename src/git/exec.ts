import { GitError, GitPluginError, simpleGit, type SimpleGit } from 'simple-git';
import { BerthError } from '../util';
import { redactUrl } from './validate';

/**
 * A git command that exited non-zero, with what it printed on stderr. Extends simple-git's
 * GitError so that simple-git passes it through instead of wrapping it.
 */
export class GitCommandError extends GitError {
  args: string[] = [];
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(undefined, stderr.trim() || `git exited with code ${exitCode}`);
    this.name = 'GitCommandError';
  }
}

/*
 * Environment variables that simple-git refuses unless the matching `unsafe` flag is set
 * (they name programs git would run). Here they can only come from the operator's own
 * environment, never from repository content or a request, so when present they are
 * passed through and the flag is set. Editors and pagers are dropped: berth never needs one.
 */
const TRUSTED_ENV_FLAGS: Record<string, string> = {
  git_askpass: 'allowUnsafeAskPass',
  ssh_askpass: 'allowUnsafeAskPass',
  git_config_global: 'allowUnsafeConfigPaths',
  git_config_system: 'allowUnsafeConfigPaths',
  git_config: 'allowUnsafeConfigPaths',
  git_exec_path: 'allowUnsafeConfigPaths',
  prefix: 'allowUnsafeConfigPaths',
  git_config_count: 'allowUnsafeConfigEnvCount',
  git_external_diff: 'allowUnsafeDiffExternal',
  git_proxy_command: 'allowUnsafeGitProxy',
  git_template_dir: 'allowUnsafeTemplateDir',
  git_ssh: 'allowUnsafeSshCommand',
  git_ssh_command: 'allowUnsafeSshCommand',
};
const DROPPED_ENV = new Set(['editor', 'git_editor', 'git_sequence_editor', 'pager', 'git_pager', 'visual']);

/** The transports validateRepoUrl accepts; git refuses every other one (ext::, fd::, ...). */
export const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

function environment(extra: Record<string, string>): { env: Record<string, string>; flags: Record<string, boolean> } {
  const env: Record<string, string> = {};
  const flags: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (DROPPED_ENV.has(lower) || lower === 'git_dir' || lower === 'git_work_tree' || lower === 'git_index_file') continue;
    const flag = TRUSTED_ENV_FLAGS[lower];
    if (flag) flags[flag] = true;
    env[key] = value;
  }
  Object.assign(env, {
    GIT_TERMINAL_PROMPT: '0', // never wait for a password on a terminal
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    LC_ALL: 'C',
    ...extra,
  });
  return { env, flags };
}

export interface GitClientOptions {
  /** Set GIT_DIR (berth's own bare clone) so git never discovers an enclosing repository. */
  gitDir?: string;
  /** More environment, e.g. GIT_INDEX_FILE for a private index. */
  env?: Record<string, string>;
  /** Kill git when it has printed nothing for this long (default 120 s). */
  timeoutMs?: number;
}

/** berth's git client; other folders name it by this type and never import simple-git themselves. */
export type GitClient = SimpleGit;

/**
 * A new repository in `dir` with every file in it committed on branch `branch` (the quick
 * start's seed). `identity` is used when the machine has no git identity configured.
 */
export async function initRepoWithFiles(dir: string, branch: string, message: string, identity: { name: string; email: string }): Promise<void> {
  const git = createGit(dir);
  await runGit(git, ['init', '--quiet', `--initial-branch=${branch}`]);
  await runGit(git, ['add', '.']);
  await runGit(git, ['-c', `user.name=${identity.name}`, '-c', `user.email=${identity.email}`, 'commit', '-q', '-m', message]);
}

/** A simple-git client whose failures always reject (simple-git resolves exit!=0 without stderr). */
export function createGit(baseDir: string, opts: GitClientOptions = {}): SimpleGit {
  const extra = { ...(opts.gitDir ? { GIT_DIR: opts.gitDir } : {}), ...opts.env };
  const { env, flags } = environment(extra);
  return simpleGit({
    baseDir,
    maxConcurrentProcesses: 4,
    trimmed: false,
    timeout: { block: opts.timeoutMs ?? 120_000 },
    unsafe: flags,
    errors(error, result) {
      if (error instanceof GitPluginError) return error;
      if (result.exitCode === 0) return error;
      return new GitCommandError(result.exitCode, Buffer.concat(result.stdErr).toString('utf8'));
    },
  }).env(env);
}

/** Run git; stdout on success, GitCommandError (with args) or GitPluginError on failure. */
export async function runGit(git: SimpleGit, args: string[]): Promise<string> {
  try {
    return await git.raw(args);
  } catch (err) {
    if (err instanceof GitCommandError) err.args = args;
    throw err;
  }
}

/** Like runGit, but exit code 1 (git's "no"/"not found") gives undefined. */
export async function runGitMaybe(git: SimpleGit, args: string[]): Promise<string | undefined> {
  try {
    return await runGit(git, args);
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return undefined;
    throw err;
  }
}

/** Wrap any git failure into the typed error of this module, once, with context. */
export function gitError(what: string, err: unknown): BerthError {
  const detail = err instanceof Error ? err.message.trim() : String(err);
  return new BerthError('E_GIT', `${what}: ${redactUrl(detail)}`, undefined, { cause: err });
}
