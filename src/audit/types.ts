/** berth's outcome for one commit; see DESIGN.md "Revisions, rollback and audit". */
export type RevisionStatus = 'rejected' | 'applying' | 'succeeded' | 'failed' | 'superseded';

export const REVISION_STATUSES: readonly RevisionStatus[] = ['rejected', 'applying', 'succeeded', 'failed', 'superseded'];

/** One line of the journal. Several records per sha are normal (applying, then succeeded). */
export interface RevisionRecord {
  sha: string;
  parent?: string;
  author: string;
  authorEmail?: string;
  subject: string;
  /** Commit time, ISO 8601. */
  committedAt: string;
  status: RevisionStatus;
  /** When this record was written, ISO 8601. */
  at: string;
  /** When berth started applying the revision (on the `applying` record). */
  startedAt?: string;
  /** When the apply ended: it succeeded, or failed and the rollback began (on that record). */
  appliedAt?: string;
  /** The io.berth.instance that wrote the record. */
  instance: string;
  /** Number of plan actions executed. */
  actions?: number;
  /** One line per action or change, for people. */
  summary?: string[];
  /** Problems (`FILE:LINE:COL: path: message`) or runtime errors. */
  errors?: string[];
  /** Why: rejected / failed / superseded. */
  reason?: string;
  /** The revision berth rolled back to. */
  rollbackTo?: string;
  /** The revert commit pushed by write-back. */
  revertSha?: string;
}

/** A sha's merged view across its records (latest status wins). */
export interface HistoryEntry extends RevisionRecord {
  /** When the first record of this sha was written. */
  firstAt: string;
}
