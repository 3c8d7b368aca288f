/**
 * What berth's journal says about commits, for one instance (several instances may share a
 * state dir). Read-only: `rollout` never writes the journal (see rollout.md: an undo made
 * without the operator is not an outcome of a commit).
 */
import { Journal, mergeRecords, type HistoryEntry, type RevisionStatus } from '../audit';

export interface JournalView {
  statusOf(sha: string): RevisionStatus | undefined;
  /** Newest sha whose latest status is `succeeded`. */
  lastGood: string | undefined;
  /** The newest entry (any status). */
  lastAttempted: HistoryEntry | undefined;
}

export function journalView(entries: readonly HistoryEntry[]): JournalView {
  const bySha = new Map(entries.map((e) => [e.sha, e.status]));
  return {
    statusOf: (sha) => bySha.get(sha),
    lastGood: entries.find((e) => e.status === 'succeeded')?.sha,
    lastAttempted: entries[0],
  };
}

export async function readJournal(stateDir: string, instance: string): Promise<JournalView> {
  const records = (await new Journal(stateDir).read()).filter((r) => r.instance === instance);
  return journalView(mergeRecords(records));
}
