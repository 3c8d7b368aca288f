/*
 * Real temporary git repositories for tests (unit, integration, end-to-end).
 * Identity and signing are configured per repository, never globally.
 *
 *   const { origin, clone } = await makeBareWithClone({ files: { 'deploy/web.yaml': '...' } });
 *   const sha = await commitFiles(clone, { 'deploy/web.yaml': '...' }, 'web: v2');
 *   await push(clone);
 *   ...
 *   after(cleanupTemp);
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const TEST_AUTHOR = { name: 'Test Author', email: 'author@example.test' };

const created: string[] = [];

/** Run git in `cwd`; resolves with stdout, rejects with stderr in the message. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return gitWithEnv(cwd, {}, ...args);
}

/** Like git(), with extra environment variables (e.g. GIT_AUTHOR_DATE). */
export function gitWithEnv(cwd: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args],
      { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${stderr || err.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** A fresh directory under the OS temp dir, removed by cleanupTemp(). */
export async function tempDir(prefix = 'berth-test-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

/** Remove every directory made by tempDir / makeRepo / makeBareWithClone. */
export async function cleanupTemp(): Promise<void> {
  const dirs = created.splice(0);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
}

export interface RepoOptions {
  bare?: boolean;
  /** Initial branch (default main). */
  branch?: string;
  /** Where to create it (default: a new temp dir). */
  dir?: string;
}

/** `git init` a working (default) or bare repository with a local identity; returns its path. */
export async function makeRepo(opts: RepoOptions = {}): Promise<string> {
  const dir = opts.dir ?? (await tempDir(opts.bare ? 'berth-bare-' : 'berth-repo-'));
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--quiet', ...(opts.bare ? ['--bare'] : []), `--initial-branch=${opts.branch ?? 'main'}`);
  await setIdentity(dir);
  return dir;
}

export async function setIdentity(repo: string, who = TEST_AUTHOR): Promise<void> {
  await git(repo, 'config', 'user.name', who.name);
  await git(repo, 'config', 'user.email', who.email);
}

export interface CommitOptions {
  author?: { name: string; email: string };
  /** Author and committer date, e.g. '2024-05-01T12:00:00Z'. */
  date?: string;
  /** Allow a commit without changes (default true). */
  allowEmpty?: boolean;
}

/**
 * Write (string) or delete (null) files in a working repository, stage everything and
 * commit. Returns the new commit's sha.
 */
export async function commitFiles(repo: string, files: Record<string, string | null>, message: string, opts: CommitOptions = {}): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(repo, name);
    if (content === null) {
      await rm(path, { force: true, recursive: true });
    } else {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    }
  }
  await git(repo, 'add', '--all');
  const args = ['commit', '--quiet', '--no-verify', '-m', message];
  if (opts.allowEmpty !== false) args.push('--allow-empty');
  if (opts.author) args.push(`--author=${opts.author.name} <${opts.author.email}>`);
  const env: Record<string, string> = opts.date ? { GIT_AUTHOR_DATE: opts.date, GIT_COMMITTER_DATE: opts.date } : {};
  await gitWithEnv(repo, env, ...args);
  return headOf(repo);
}

/** The full sha `ref` points at (default HEAD). */
export async function headOf(repo: string, ref = 'HEAD'): Promise<string> {
  return (await git(repo, 'rev-parse', '--verify', `${ref}^{commit}`)).trim();
}

/** Push the current branch (or `refspec`) of a clone to its origin; `force` for rewrites. */
export async function push(clone: string, opts: { refspec?: string; force?: boolean } = {}): Promise<void> {
  await git(clone, 'push', '--quiet', ...(opts.force ? ['--force'] : []), 'origin', opts.refspec ?? 'HEAD');
}

export interface BareWithClone {
  /** A bare repository playing the remote. */
  origin: string;
  /** A working clone of it, with an identity, whose `origin` remote is `origin`. */
  clone: string;
  /** The initial commit when `files` were given. */
  sha?: string;
}

/** A bare origin plus a working clone that pushes to it; optionally one initial commit, pushed. */
export async function makeBareWithClone(opts: { branch?: string; files?: Record<string, string>; message?: string } = {}): Promise<BareWithClone> {
  const branch = opts.branch ?? 'main';
  const origin = await makeRepo({ bare: true, branch });
  const clone = join(await tempDir('berth-clone-'), 'work');
  await git(dirname(clone), 'clone', '--quiet', origin, clone);
  await git(clone, 'checkout', '--quiet', '-B', branch);
  await setIdentity(clone);
  if (!opts.files) return { origin, clone };
  const sha = await commitFiles(clone, opts.files, opts.message ?? 'initial commit');
  await push(clone, { refspec: `HEAD:refs/heads/${branch}` });
  return { origin, clone, sha };
}

/** commitFiles, then push to origin's `branch` (default main); returns the new sha. */
export async function commitAndPush(
  clone: string,
  files: Record<string, string | null>,
  message: string,
  opts: CommitOptions & { branch?: string } = {},
): Promise<string> {
  const sha = await commitFiles(clone, files, message, opts);
  await push(clone, { refspec: `HEAD:refs/heads/${opts.branch ?? 'main'}` });
  return sha;
}

/** `file://` URL of a local repository path. */
export function fileUrl(path: string): string {
  return `file://${path}`;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>/repo.git` */
  url: string;
  /** Paths requested so far, in order (e.g. `/repo.git/info/refs?service=git-upload-pack`). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves a bare repository over git's "dumb" HTTP protocol (static files; `info/refs` kept
 * current with `git update-server-info` on every request), so a test has a real remote URL
 * that nothing on this machine can watch: berth sees its commits only by fetching. `port`
 * (default: any free one) lets a test bring a closed server back at the same URL.
 */
export async function serveGitHttp(bare: string, port: number | string = 0): Promise<GitHttpServer> {
  const { createServer } = await import('node:http');
  const { readFile: read } = await import('node:fs/promises');
  const { normalize } = await import('node:path');
  const requests: string[] = [];
  const prefix = '/repo.git/';
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const rel = normalize(decodeURIComponent(url.split('?')[0]!.slice(prefix.length)));
    if (!url.startsWith(prefix) || rel.startsWith('..') || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    const refresh = rel === 'info/refs' ? git(bare, 'update-server-info') : Promise.resolve('');
    refresh
      .then(() => read(join(bare, rel)))
      .then(
        (data) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(data),
        () => res.writeHead(404).end(),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/repo.git`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
