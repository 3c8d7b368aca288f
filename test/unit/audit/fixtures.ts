import type { RevisionRecord } from '../../../src/audit/types';

/** A journal record for sha `<short>000…` (40 chars) with plausible defaults. */
export function record(short: string, status: RevisionRecord['status'], extra: Partial<RevisionRecord> = {}): RevisionRecord {
  return {
    sha: short.padEnd(40, '0'),
    author: 'Alice',
    authorEmail: 'alice@example.test',
    subject: `commit ${short}`,
    committedAt: '2024-05-01T12:00:00Z',
    status,
    at: '2024-05-01T12:00:05Z',
    instance: 'test',
    ...extra,
  };
}

export const sha = (short: string): string => short.padEnd(40, '0');
