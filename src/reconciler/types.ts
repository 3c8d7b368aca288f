/**
 * The reconciler's ports: what it needs from git, validation, the engine and the audit
 * trail, and nothing about how any of them works inside.
 */
import type { FetchResult, Revision } from '../git/types';
import type { DesiredState } from '../model/types';
import type { ResourceStatus, TerminatingStatus } from '../api/types';

import type { RevisionStatus } from '../audit/types';
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

/** What happened when the engine was driven to a desired state (to the end, or one step of it). */
export type ApplyOutcome =
  | { type: 'converged'; actions: number; summary: string[] }
  | { type: 'failed'; actions: number; reason: string; details: string[] } // validated but did not become healthy
  | { type: 'error'; error: Error }; // could not talk to the engine: retry later

/** One step of a rollout: done (converged, failed, error), or on its way: look again after `requeueAfterMs`. */
export type StepOutcome = ApplyOutcome | { type: 'progressing'; actions: number; summary: string[]; requeueAfterMs: number };

export type ApplyMode = 'rollout' | 'rollback' | 'self-heal';

export interface Applier {
  /**
   * One step towards `desired`: observe, plan, start what the rollout rules allow now,
   * return. Never waits for readiness or for pods to stop. `actions`/`summary` count this
   * target's steps so far (a new revision or mode starts a new count and progress clock).
   */
  step(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome>;
  /** Whether `revision`'s rollout has passed its progress deadline (an interrupted one is then failed, not superseded). */
  pastDeadline(revision: string): boolean;
  /** Health of every resource of the last desired state applied. */
  resources(): ResourceStatus[];
  /** Pods terminating, with the seconds left before they are killed. */
  terminating(): TerminatingStatus[];
}

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
