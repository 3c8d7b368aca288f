/**
 * The reconciler's ports: what it needs from git, validation, the engine and the audit
 * trail, and nothing about how any of them works inside.
 */
import type { FetchResult, Revision } from '../git';
import type { DesiredState } from '../model';

import type { RevisionStatus } from '../audit';
export type { RevisionStatus };

/** One line of the journal / one git note: what became of a commit. */
export interface OutcomeRecord {
  sha: string;
  status: RevisionStatus;
  /** Why (failed, rejected, superseded): a sentence. */
  reason?: string;
  /** Located validation errors (rejected) or details of a failed rollout. */
  errors?: string[];
  /** Number of engine actions the apply took. */
  actions?: number;
  /** Readable one-line summary of the actions. */
  summary?: string[];
  /** For failed: the revision berth went back to. */
  rollbackTo?: string;
  /** For failed with write-back: the revert commit berth pushed. */
  revertSha?: string;
}

export interface RevisionSource {
  fetch(): Promise<FetchResult>;
  revision(sha: string): Promise<Revision>;
  /** Commits after `fromExclusive` up to and including `to`, oldest first. */
  commitsBetween(fromExclusive: string | undefined, to: string): Promise<Revision[]>;
  /**
   * Materialise the manifests of a commit; returns their directory. Rejects with E_INVALID
   * when the commit has no manifests folder (the commit is rejected), anything else is retried.
   */
  checkout(sha: string): Promise<string>;
}

export type Validation = { ok: true; desired: DesiredState; warnings: string[] } | { ok: false; errors: string[] };

export interface Recorder {
  /** Append to the journal and annotate the commit (git note). Called once per outcome. */
  record(revision: Revision, outcome: OutcomeRecord): Promise<void>;
  /** Latest recorded status per sha, from the journal (survives restarts). */
  statusOf(sha: string): Promise<RevisionStatus | undefined>;
  /** Newest sha whose latest status is `succeeded`. */
  lastGood(): Promise<string | undefined>;
  /** Newest sha with any record. */
  lastAttempted(): Promise<string | undefined>;
}

/** After a rollback: push a revert so git tells the truth again (write-back). */
export interface WriteBack {
  revert(failed: Revision, reason: string): Promise<{ sha: string }>;
}
