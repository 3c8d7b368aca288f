/** A throwaway local git repository for benchmarks: init, write files, commit. */
import { execFile } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

/** `git init` in `dir` (created) with a local identity; returns its real path. */
export async function initRepo(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const repo = await realpath(dir);
  await git(repo, 'init', '--quiet', '--initial-branch=main');
  await git(repo, 'config', 'user.name', 'berth bench');
  await git(repo, 'config', 'user.email', 'bench@berth.invalid');
  return repo;
}

/** Writes `files`, commits everything, returns the new sha. */
export async function commit(repo: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, name)), { recursive: true });
    await writeFile(join(repo, name), text);
  }
  await git(repo, 'add', '--all');
  await git(repo, 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', message);
  return (await git(repo, 'rev-parse', 'HEAD')).trim();
}
