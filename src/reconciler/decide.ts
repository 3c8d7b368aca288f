/**
 * What a pass does with the head of the branch, from what the journal says of it and what
 * runs. Pure. Git is what should run: a head berth has not finished with is attempted, and
 * so is a head that succeeded once but is not what runs now (the branch was reset or
 * force-pushed back to it). Only a verdict on the head itself (rejected, failed) keeps berth
 * on the last good revision until the next commit.
 */
import type { RevisionStatus } from './types';

export type HeadDecision = { type: 'attempt'; why: 'new' | 'interrupted' | 'never-started' | 'not-running' } | { type: 'hold' };

export function decideHead(head: string, status: RevisionStatus | undefined, running: string | undefined): HeadDecision {
  switch (status) {
    case undefined:
      return { type: 'attempt', why: 'new' };
    case 'applying': // a previous process died mid-apply
      return { type: 'attempt', why: 'interrupted' };
    case 'superseded': // skipped for a newer commit, which the branch no longer has on top
      return { type: 'attempt', why: 'never-started' };
    case 'succeeded':
      return head === running ? { type: 'hold' } : { type: 'attempt', why: 'not-running' };
    case 'rejected':
    case 'failed':
      return { type: 'hold' };
  }
}
