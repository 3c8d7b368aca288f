/**
 * Which template runs now and which one `rollout undo` goes back to. Pure.
 *
 * - The running group: the group holding a commit the workload's pods carry as
 *   `io.berth.revision` with the hash they run; else the newest group with that hash.
 * - The undo target (default): the newest group older than the running one whose template
 *   is declared, differs from the running template, and is not known to be bad (journal:
 *   failed or rejected, never succeeded). So undo after an automatic rollback whose revert
 *   is in git (A, B failed, revert of B = A) goes back past both, to the template before A.
 * - The commits a git revert must undo to get from group `from` back to group `to`: the
 *   commit that introduced each group in between (newest first).
 */
import { BerthError } from '../util';
import { introducedBy, knownBad } from './group';
import type { CommitInfo, TemplateGroup } from './types';

/** What the engine runs for a workload: the template hash and the revisions its pods carry. */
export interface RunningTemplate {
  hash: string;
  revisions: readonly string[];
}

export function runningGroupIndex(groups: readonly TemplateGroup[], running: RunningTemplate): number | undefined {
  const exact = groups.findIndex((g) => g.hash === running.hash && g.commits.some((c) => running.revisions.includes(c.commit.sha)));
  if (exact >= 0) return exact;
  const byHash = groups.findIndex((g) => g.hash === running.hash);
  return byHash >= 0 ? byHash : undefined;
}

export type SkipReason = 'same template' | 'known bad' | 'not declared';

export interface SkippedGroup {
  index: number;
  why: SkipReason;
}

export type UndoTarget =
  { type: 'target'; index: number; group: TemplateGroup; skipped: SkippedGroup[] } | { type: 'none'; reason: string; skipped: SkippedGroup[] };

export function previousTemplate(groups: readonly TemplateGroup[], from: number): UndoTarget {
  const current = groups[from]?.hash;
  const skipped: SkippedGroup[] = [];
  for (let i = from + 1; i < groups.length; i++) {
    const g = groups[i]!;
    const why: SkipReason | undefined = g.hash === undefined ? 'not declared' : g.hash === current ? 'same template' : knownBad(g) ? 'known bad' : undefined;
    if (!why) return { type: 'target', index: i, group: g, skipped };
    skipped.push({ index: i, why });
  }
  const bad = skipped.filter((s) => s.why === 'known bad').length;
  const reason =
    groups.length <= from + 1
      ? 'no earlier template in the commits walked'
      : `no earlier template to go back to in the commits walked${bad ? ` (${bad} earlier template(s) failed)` : ''}`;
  return { type: 'none', reason, skipped };
}

/** The group holding commit `sha` (full sha), newest first. */
export function groupOfCommit(groups: readonly TemplateGroup[], sha: string): number | undefined {
  const i = groups.findIndex((g) => g.commits.some((c) => c.commit.sha === sha));
  return i >= 0 ? i : undefined;
}

/**
 * The commits to revert, newest first, so that the template of group `from` becomes the
 * template of group `to` (to > from): the commit that introduced each group from..to-1.
 */
export function commitsToRevert(groups: readonly TemplateGroup[], from: number, to: number): CommitInfo[] {
  if (!(to > from)) throw new BerthError('E_USAGE', 'the target template must be older than the current one');
  const out: CommitInfo[] = [];
  for (let i = from; i < to; i++) {
    const g = groups[i]!;
    if (g.truncated)
      throw new BerthError('E_USAGE', `the commit that introduced template ${g.hash ?? '(none)'} is older than the commits walked`, 'raise --limit');
    out.push(introducedBy(g).commit);
  }
  return out;
}
