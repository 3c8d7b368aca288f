/**
 * What people hear about: one event per outcome. Listeners (webhooks, Slack, commit
 * statuses) subscribe with `OutcomeListener`; `notify` must return at once and never throw:
 * the loop does not wait for anyone's HTTP server.
 */
import type { RevisionStatus } from '../audit';

export interface RevisionRef {
  sha: string;
  subject: string;
  author: string;
}

export type OutcomeEvent =
  | {
      type: 'revision';
      status: RevisionStatus;
      revision: RevisionRef;
      reason?: string;
      errors?: string[];
      rollbackTo?: string;
      revertSha?: string;
    }
  | { type: 'drift-repaired'; revision: RevisionRef; actions: number; summary: string[] }
  | { type: 'operator'; status: 'started' | 'stopped' };

export interface OutcomeListener {
  notify(event: OutcomeEvent): void;
}

/** Where an operator runs and what it follows: part of every message. */
export interface NotifySource {
  instance: string;
  /** The repository, credentials removed. */
  repo: string;
  branch: string;
}

/** The name of an event in payloads and headers: `succeeded`, `drift-repaired`, `started`, ... */
export function eventName(e: OutcomeEvent): string {
  return e.type === 'drift-repaired' ? 'drift-repaired' : e.status;
}
