/**
 * Where outcomes go: the journal in the state directory (the record berth reads back after a
 * restart) and a git note on the commit (what `git log --notes=berth` shows). With
 * write-back the notes are pushed too.
 */
import { Journal, type RevisionRecord } from '../audit';
import type { GitSource, Revision } from '../git';
import type { OutcomeRecord, Recorder, RevisionStatus } from '../reconciler';

export class JournalRecorder implements Recorder {
  constructor(
    private readonly journal: Journal,
    private readonly source: GitSource,
    private readonly instance: string,
    private readonly pushNotes: boolean,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void,
  ) {}

  async record(rev: Revision, o: OutcomeRecord): Promise<void> {
    const now = new Date().toISOString();
    const record: RevisionRecord = {
      sha: rev.sha,
      ...(rev.parent ? { parent: rev.parent } : {}),
      author: rev.author,
      authorEmail: rev.authorEmail,
      subject: rev.subject,
      committedAt: rev.date,
      status: o.status,
      at: now,
      ...(o.status === 'applying' ? { startedAt: now } : {}),
      ...(o.status === 'succeeded' || o.status === 'failed' ? { appliedAt: now } : {}),
      instance: this.instance,
      ...pick(o, ['actions', 'summary', 'errors', 'reason', 'rollbackTo', 'revertSha']),
    };
    await this.journal.append(record);
    // The journal is the record; a note that cannot be written is logged, not fatal.
    if (o.status === 'applying') return;
    try {
      await this.source.addNote(rev.sha, noteText(record));
      if (this.pushNotes) await this.source.pushNotes();
    } catch (err) {
      this.log('could not write the git note', { sha: rev.sha, error: (err as Error).message });
    }
  }

  statusOf(sha: string): Promise<RevisionStatus | undefined> {
    return this.journal.statusOf(sha);
  }

  lastGood(): Promise<string | undefined> {
    return this.journal.lastGoodRevision();
  }

  async lastAttempted(): Promise<string | undefined> {
    const records = await this.journal.read();
    return records.filter((r) => r.status !== 'superseded').pop()?.sha;
  }
}

/** The note berth writes on a commit: plain lines a reviewer reads in `git log --notes=berth`. */
export function noteText(r: RevisionRecord): string {
  const lines = [`berth: ${r.status}`, `instance: ${r.instance}`, `at: ${r.at}`];
  if (r.reason) lines.push(`reason: ${r.reason}`);
  if (r.rollbackTo) lines.push(`rolled back to: ${r.rollbackTo}`);
  if (r.revertSha) lines.push(`revert commit: ${r.revertSha}`);
  if (r.actions !== undefined) lines.push(`actions: ${r.actions}`);
  for (const s of r.summary ?? []) lines.push(`  ${s}`);
  if (r.errors?.length) lines.push('errors:', ...r.errors.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
