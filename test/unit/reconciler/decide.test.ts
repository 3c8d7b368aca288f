import { strict as assert } from 'node:assert';
import { decideHead, type HeadDecision } from '../../../src/reconciler/decide';
import type { RevisionStatus } from '../../../src/reconciler/types';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('decideHead', () => {
  const rows: [string, RevisionStatus | undefined, string | undefined, HeadDecision][] = [
    ['a commit never seen', undefined, A, { type: 'attempt', why: 'new' }],
    ['the first commit of a fresh state dir', undefined, undefined, { type: 'attempt', why: 'new' }],
    ['a commit whose apply a crash interrupted', 'applying', A, { type: 'attempt', why: 'interrupted' }],
    ['a skipped commit the branch was reset to', 'superseded', A, { type: 'attempt', why: 'never-started' }],
    ['the commit that runs', 'succeeded', B, { type: 'hold' }],
    ['an earlier good commit the branch was reset to', 'succeeded', A, { type: 'attempt', why: 'not-running' }],
    ['a good commit when nothing runs (its desired state no longer validated)', 'succeeded', undefined, { type: 'attempt', why: 'not-running' }],
    ['a rejected head', 'rejected', A, { type: 'hold' }],
    ['a failed (rolled back) head', 'failed', A, { type: 'hold' }],
    ['a failed head with nothing to roll back to', 'failed', undefined, { type: 'hold' }],
  ];
  for (const [name, status, running, want] of rows) {
    it(name, () => assert.deepEqual(decideHead(B, status, running), want));
  }
});
