/**
 * Grouping a walk of commits (newest first) into the templates one workload has had. Pure.
 *
 * - Consecutive commits that give the workload the same template hash form one group; the
 *   oldest commit of a group introduced the template. A hash that comes back later (A, B, A)
 *   is a new group, as a rollback is a new ReplicaSet revision in Kubernetes.
 * - Commits that do not validate declare nothing berth would run: they are listed apart and
 *   do not split a group.
 * - Commits where the workload is not declared form groups without a hash (it was deleted,
 *   then added again), except at the old end of the walk: before the workload existed.
 * - When the walk stopped at `--limit`, the oldest group is marked truncated: its template may
 *   have been introduced by an older commit.
 */
import type { RevisionStatus } from '../audit';
import type { CommitTemplates, GroupCommit, InvalidCommit, TemplateGroup } from './types';

export interface GroupOptions {
  /** The walk ended at --limit, not at the first commit. */
  truncated: boolean;
  statusOf(sha: string): RevisionStatus | undefined;
}

export function groupByTemplate(entries: readonly CommitTemplates[], key: string, opts: GroupOptions): { groups: TemplateGroup[]; invalid: InvalidCommit[] } {
  const groups: TemplateGroup[] = [];
  const invalid: InvalidCommit[] = [];
  for (const e of entries) {
    const gc = withStatus(e.commit, opts.statusOf(e.commit.sha));
    if (e.type === 'invalid') {
      invalid.push({ ...gc, reason: e.reason });
      continue;
    }
    const hash = e.workloads[key];
    const last = groups[groups.length - 1];
    if (last && last.hash === hash) last.commits.push(gc);
    else groups.push({ ...(hash !== undefined ? { hash } : {}), commits: [gc], truncated: false });
  }
  const oldest = groups[groups.length - 1];
  if (oldest && oldest.hash === undefined)
    groups.pop(); // before the workload existed
  else if (oldest && opts.truncated) oldest.truncated = true;
  return { groups, invalid };
}

function withStatus(commit: GroupCommit['commit'], status: RevisionStatus | undefined): GroupCommit {
  return status === undefined ? { commit } : { commit, status };
}

/** The commit that introduced the group's template (its oldest commit). */
export function introducedBy(group: TemplateGroup): GroupCommit {
  return group.commits[group.commits.length - 1]!;
}

/**
 * A template known to be bad: berth recorded one of its commits as failed (or rejected) and
 * none as succeeded. Unknown (no journal) is not bad.
 */
export function knownBad(group: TemplateGroup): boolean {
  const statuses = group.commits.map((c) => c.status);
  return statuses.some((s) => s === 'failed' || s === 'rejected') && !statuses.includes('succeeded');
}

/** Every workload key any valid commit of the walk declares (for resolving a name). */
export function declaredKeys(entries: readonly CommitTemplates[]): string[] {
  const keys = new Set<string>();
  for (const e of entries) if (e.type === 'valid') for (const k of Object.keys(e.workloads)) keys.add(k);
  return [...keys].sort();
}
