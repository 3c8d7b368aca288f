import type { HistoryEntry, RevisionRecord, RevisionStatus } from './types';

/*
 * Pure queries over journal records (append order). The latest record of a sha decides its
 * status; fields are merged over its records so that, e.g., `appliedAt` written with
 * `applying` survives into the `succeeded` entry. A new `applying` record starts a new
 * attempt and clears the outcome fields of the previous one.
 */

const OUTCOME_FIELDS = ['actions', 'summary', 'errors', 'reason', 'rollbackTo', 'revertSha'] as const;

function definedFields(record: RevisionRecord): Partial<RevisionRecord> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Partial<RevisionRecord>;
}

function withoutOutcome(entry: HistoryEntry): HistoryEntry {
  const copy = { ...entry };
  for (const field of OUTCOME_FIELDS) delete copy[field];
  return copy;
}

/** One entry per sha, the sha with the most recent record first. */
export function mergeRecords(records: readonly RevisionRecord[]): HistoryEntry[] {
  const bySha = new Map<string, { entry: HistoryEntry; last: number }>();
  records.forEach((record, index) => {
    const prev = bySha.get(record.sha)?.entry;
    const base = prev && record.status === 'applying' ? withoutOutcome(prev) : prev;
    const entry = { ...base, ...definedFields(record), firstAt: prev?.firstAt ?? record.at } as HistoryEntry;
    bySha.set(record.sha, { entry, last: index });
  });
  return [...bySha.values()].sort((a, b) => b.last - a.last).map((x) => x.entry);
}

/** The sha most recently recorded as succeeded whose latest status is still `succeeded`. */
export function lastGood(records: readonly RevisionRecord[]): string | undefined {
  return mergeRecords(records).find((e) => e.status === 'succeeded')?.sha;
}

/** The latest status recorded for `sha` (full sha), or undefined when never recorded. */
export function latestStatus(records: readonly RevisionRecord[], sha: string): RevisionStatus | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    if (records[i]!.sha === sha) return records[i]!.status;
  }
  return undefined;
}

/**
 * An entry as `berth history -o json` and `GET /api/v1/revisions` show it: the fields a
 * script relies on are always there (`appliedAt` null when never applied, `errors` empty).
 */
export type HistoryJson = Omit<HistoryEntry, 'appliedAt' | 'errors'> & { appliedAt: string | null; errors: string[] };

export function toHistoryJson(e: HistoryEntry): HistoryJson {
  return { ...e, appliedAt: e.appliedAt ?? null, errors: e.errors ?? [] };
}
