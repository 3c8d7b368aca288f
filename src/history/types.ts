/**
 * The revisions of one workload as `berth rollout` sees them: the commits of the followed
 * branch, each with the template hash it gives every Deployment/StatefulSet, grouped into
 * runs of the same template (Kubernetes' ReplicaSet revisions, read from git).
 */
import type { RevisionStatus } from '../audit';

export type RolloutKind = 'Deployment' | 'StatefulSet';

export const ROLLOUT_KINDS: readonly RolloutKind[] = ['Deployment', 'StatefulSet'];

/** What the user named: `web`, `deployment/web`, with `-n` and `--kind` when given. */
export interface WorkloadRef {
  name: string;
  kind?: RolloutKind;
  namespace?: string;
}

/** A workload resolved to one kind and namespace. */
export interface WorkloadId {
  kind: RolloutKind;
  namespace: string;
  name: string;
}

/** `Deployment/default/web`, the same key as model's resourceKey. */
export function workloadKey(id: WorkloadId): string {
  return `${id.kind}/${id.namespace}/${id.name}`;
}

export function parseWorkloadKey(key: string): WorkloadId | undefined {
  const [kind, namespace, name, ...rest] = key.split('/');
  if (rest.length > 0 || !name || !namespace || !ROLLOUT_KINDS.includes(kind as RolloutKind)) return undefined;
  return { kind: kind as RolloutKind, namespace, name };
}

/** A commit, as much as a person needs to recognise it. */
export interface CommitInfo {
  sha: string;
  author: string;
  /** Committer date, ISO 8601. */
  date: string;
  subject: string;
}

/**
 * One commit of the walk and what it declares: `valid` with the template hash of every
 * Deployment/StatefulSet (key -> hash), or `invalid` (it would be rejected; no hash).
 */
export type CommitTemplates =
  { type: 'valid'; commit: CommitInfo; workloads: Record<string, string> } | { type: 'invalid'; commit: CommitInfo; reason: string };

/** A commit of a group, with berth's journal status for it when one was recorded. */
export interface GroupCommit {
  commit: CommitInfo;
  status?: RevisionStatus;
}

/**
 * Consecutive commits (newest first) that give the workload the same template. The last
 * commit introduced it. `hash` undefined: the workload is not declared in these commits.
 */
export interface TemplateGroup {
  hash?: string;
  commits: GroupCommit[];
  /** The walk stopped inside this group (`--limit`): the template may be older than its last commit. */
  truncated: boolean;
}

export interface InvalidCommit extends GroupCommit {
  reason: string;
}

/** The history of one workload: groups newest first, and the commits that did not validate. */
export interface WorkloadHistory {
  id: WorkloadId;
  groups: TemplateGroup[];
  invalid: InvalidCommit[];
}
