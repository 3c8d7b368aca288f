import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../util';
import type { RepoLocation } from './types';

/*
 * Everything berth hands to git that came from a user (repository, branch, path, sha) passes
 * through here first. The rules are stricter than git's so that no value can be read as an
 * option (`-x`, `--upload-pack=...`) or select a command-running transport (`ext::`,
 * `<helper>::`, unknown `<scheme>://` which git maps to `git-remote-<scheme>`).
 * Second line of defence: simple-git ^3.36 (no known argument-injection advisory for this
 * range) blocks `--upload-pack`, `--receive-pack`, `-c protocol.*.allow` and friends by
 * default, and `exec.ts` sets GIT_ALLOW_PROTOCOL to the transports accepted here.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const HELPER_SYNTAX = /^[A-Za-z][A-Za-z0-9+.-]*::/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const REMOTE_SCHEMES: Record<string, 'ssh' | 'git' | 'http' | 'https'> = {
  ssh: 'ssh',
  'git+ssh': 'ssh',
  'ssh+git': 'ssh',
  git: 'git',
  http: 'http',
  https: 'https',
};
const SUPPORTED = 'a local path, file://, ssh://, git://, https://, http:// or user@host:path';

function usage(message: string, hint?: string): BerthError {
  return new BerthError('E_USAGE', message, hint);
}

/** Check a repository given by a user and say how berth will reach it. */
export function validateRepoUrl(input: string, cwd: string = process.cwd()): RepoLocation {
  if (typeof input !== 'string' || input.length === 0) throw usage('repository must not be empty');
  const shown = JSON.stringify(input);
  if (CONTROL.test(input)) throw usage(`repository ${shown} contains control characters`);
  if (input.startsWith('-')) throw usage(`repository ${shown} must not start with "-" (it would be read as an option)`);
  if (HELPER_SYNTAX.test(input)) {
    throw usage(`repository ${shown} uses the "<transport>::<address>" syntax, which can run commands; refused`, `use ${SUPPORTED}`);
  }
  const scheme = SCHEME.exec(input)?.[1]?.toLowerCase();
  if (scheme === 'file') return fileUrl(input, shown);
  if (scheme !== undefined) return remoteUrl(input, shown, scheme);
  const scp = scpLike(input);
  if (scp) return scp;
  return { kind: 'local', url: resolve(cwd, input), path: resolve(cwd, input) };
}

function fileUrl(input: string, shown: string): RepoLocation {
  let path: string;
  try {
    const url = new URL(input);
    if (url.hostname !== '' && url.hostname !== 'localhost') {
      throw usage(`repository ${shown}: file:// URLs must not name a host`);
    }
    path = fileURLToPath(url);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw usage(`repository ${shown} is not a valid file:// URL`);
  }
  return { kind: 'local', url: input, path };
}

function remoteUrl(input: string, shown: string, scheme: string): RepoLocation {
  const transport = REMOTE_SCHEMES[scheme];
  if (!transport) throw usage(`repository ${shown}: transport "${scheme}://" is not supported`, `use ${SUPPORTED}`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw usage(`repository ${shown} is not a valid URL`);
  }
  if (url.hostname === '') throw usage(`repository ${shown} has no host`);
  if (url.hostname.startsWith('-') || decodeURIComponent(url.username).startsWith('-')) {
    throw usage(`repository ${shown}: host and user must not start with "-"`);
  }
  return { kind: 'remote', url: input, transport };
}

/** `[user@]host:path`, recognised by git only when no slash comes before the first colon. */
function scpLike(input: string): RepoLocation | undefined {
  const colon = input.indexOf(':');
  if (colon <= 0) return undefined;
  const slash = input.indexOf('/');
  if (slash !== -1 && slash < colon) return undefined;
  const userHost = input.slice(0, colon);
  const path = input.slice(colon + 1);
  const at = userHost.lastIndexOf('@');
  const host = userHost.slice(at + 1);
  const user = at >= 0 ? userHost.slice(0, at) : '';
  const shown = JSON.stringify(input);
  if (host === '' || host.startsWith('-') || user.startsWith('-')) {
    throw usage(`repository ${shown}: host and user must be non-empty and not start with "-"`);
  }
  if (path === '') throw usage(`repository ${shown} has no path after ":"`);
  return { kind: 'remote', url: input, transport: 'scp' };
}

/**
 * The rules of `git check-ref-format --branch`: what may follow `refs/heads/`.
 * Returns the name unchanged.
 */
export function validateBranch(name: string): string {
  const problem = branchProblem(name);
  if (problem) throw usage(`branch ${JSON.stringify(name)} is not a valid branch name: ${problem}`);
  return name;
}

function branchProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (name.startsWith('-')) return 'it starts with "-"';
  if (CONTROL.test(name) || name.includes(' ')) return 'it contains a space or a control character';
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `it contains "${bad[0]}"`;
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`;
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `component "${part}" starts with "."`;
    if (part.endsWith('.lock')) return `component "${part}" ends with ".lock"`;
  }
  return undefined;
}

/**
 * The manifests folder inside the repository: relative, no `..`, normalised to
 * `a/b` form ('' for the repository root).
 */
export function validateSubPath(input: string | undefined): string {
  if (input === undefined) return '';
  const shown = JSON.stringify(input);
  if (CONTROL.test(input)) throw usage(`path ${shown} contains control characters`);
  if (isAbsolute(input)) throw usage(`path ${shown} must be relative to the repository root`);
  const parts = input.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw usage(`path ${shown} must not contain ".."`);
  if (parts.some((p) => p === '.git')) throw usage(`path ${shown} must not name .git`);
  if (parts.length > 0 && parts[0]!.startsWith('-')) throw usage(`path ${shown} must not start with "-"`);
  return parts.join('/');
}

/** A commit id: 4 to 64 lower-case hex digits (sha-1 or sha-256, possibly abbreviated). */
export function validateCommitId(sha: string): string {
  if (typeof sha !== 'string' || !/^[0-9a-f]{4,64}$/.test(sha)) {
    throw usage(`${JSON.stringify(sha)} is not a commit id (expected hex digits)`);
  }
  return sha;
}

/** Text with the credentials of any http(s) URL in it masked, for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/(https?:\/\/)[^/@\s]*@/gi, '$1***@');
}
