import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import { schedule, validate } from 'node-cron';
import { BerthError, messageOf } from '../util';
import { cronProblem } from '../util';
import type { Closer } from '../git';

/*
 * Triggers only say "look again"; what changed is decided by GitSource.fetch().
 * - watchLocalRepo: the refs of a repository on this machine, through chokidar (inotify).
 * - pollOnSchedule: a cron schedule (6 fields, with seconds) through node-cron.
 */

export interface WatchHandle extends Closer {
  /** Resolves when the initial scan is done; changes after this point are seen. */
  ready: Promise<void>;
}

export interface WatchOptions {
  debounceMs?: number;
  onError?: (err: unknown) => void;
}

type OnChange = () => void | Promise<void>;

/** The directories holding HEAD and the refs of a working, bare or linked-worktree repository. */
export function gitDirsOf(repoPath: string): { gitDir: string; commonDir: string } {
  const root = resolve(repoPath);
  const dotGit = join(root, '.git');
  let gitDir: string;
  if (existsSync(dotGit)) {
    gitDir = statSync(dotGit).isDirectory() ? dotGit : gitDirFromFile(dotGit, root);
  } else if (existsSync(join(root, 'HEAD')) && existsSync(join(root, 'refs')) && existsSync(join(root, 'objects'))) {
    gitDir = root; // bare
  } else {
    throw new BerthError('E_USAGE', `${repoPath} is not a git repository (no .git, no HEAD/refs/objects)`);
  }
  const commonFile = join(gitDir, 'commondir');
  const commonDir = existsSync(commonFile) ? resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
  return { gitDir, commonDir };
}

function gitDirFromFile(file: string, root: string): string {
  const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new BerthError('E_USAGE', `${file} is neither a directory nor a "gitdir:" file`);
  return isAbsolute(m[1]!.trim()) ? m[1]!.trim() : resolve(root, m[1]!.trim());
}

const WATCHED_FILES = new Set(['HEAD', 'packed-refs', 'FETCH_HEAD']);

/** Whether `rel` (relative to a git dir) is something whose change can move a branch. */
export function isRefPath(rel: string): boolean {
  const parts = rel.split(sep).filter(Boolean);
  if (parts.length === 0) return true; // the git dir itself
  if (parts.at(-1)!.endsWith('.lock')) return false;
  if (parts.length === 1) return WATCHED_FILES.has(parts[0]!) || parts[0] === 'refs';
  return parts[0] === 'refs' && parts[1] === 'heads';
}

/** Call `onChange` (debounced, default 100 ms) when a ref of the local repository may have moved. */
export function watchLocalRepo(repoPath: string, onChange: OnChange, opts: WatchOptions = {}): WatchHandle {
  const { gitDir, commonDir } = gitDirsOf(repoPath);
  const roots = [...new Set([commonDir, gitDir])];
  const relevant = (p: string): boolean =>
    roots.some((root) => {
      const rel = relative(root, p);
      return !rel.startsWith('..') && !isAbsolute(rel) && isRefPath(rel);
    });
  const onError = opts.onError ?? (() => undefined);
  const debounceMs = opts.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (): void => {
    timer = undefined;
    if (closed) return;
    Promise.resolve()
      .then(onChange)
      .catch((err: unknown) => onError(err));
  };
  const watcher = watch(roots, { ignoreInitial: true, ignored: (p: string) => !relevant(p) });
  watcher.on('all', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  });
  watcher.on('error', (err) => onError(err));
  const ready = new Promise<void>((res) => watcher.once('ready', () => res()));
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}

export const DEFAULT_POLL_SCHEDULE = '*/15 * * * * *';

/** Call `onTick` on a cron schedule (node-cron syntax; 6 fields with seconds). Ticks never overlap. */
export function pollOnSchedule(cronExpr: string | undefined, onTick: OnChange, opts: { onError?: (err: unknown) => void } = {}): Closer {
  const expr = cronExpr ?? DEFAULT_POLL_SCHEDULE;
  const problem = scheduleProblem(expr);
  if (problem) {
    throw new BerthError(
      'E_USAGE',
      `poll schedule ${JSON.stringify(expr)} is not a valid cron expression: ${problem}`,
      `e.g. "${DEFAULT_POLL_SCHEDULE}" (every 15 seconds: second minute hour day month weekday)`,
    );
  }
  const onError = opts.onError ?? (() => undefined);
  const task = schedule(
    expr,
    async () => {
      try {
        await onTick();
      } catch (err) {
        onError(err);
      }
    },
    { noOverlap: true },
  );
  return {
    async close() {
      await task.destroy();
    },
  };
}

function scheduleProblem(expr: string): string | undefined {
  const problem = cronProblem(expr); // first: some inputs make node-cron loop forever
  if (problem) return problem;
  try {
    return validate(expr) ? undefined : 'refused by node-cron';
  } catch (err) {
    return messageOf(err);
  }
}
