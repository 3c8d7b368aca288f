import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BerthError, messageOf } from '../util';
import { fsyncDir } from '../util';
import { lastGood, latestStatus, mergeRecords } from './history';
import { type HistoryEntry, REVISION_STATUSES, type RevisionRecord, type RevisionStatus } from './types';

/** A journal line that could not be used (a torn write after a crash, or garbage). */
export interface SkippedLine {
  line: number;
  reason: string;
}

export interface JournalScan {
  records: RevisionRecord[];
  skipped: SkippedLine[];
}

export const JOURNAL_FILE = 'journal.jsonl';

/**
 * The append-only audit journal `<stateDir>/journal.jsonl`: one JSON record per line,
 * each append fsync'd before it resolves. A crash mid-write leaves a torn last line; readers
 * skip it and the next append starts on a fresh line, so one torn record never spoils the next.
 */
export class Journal {
  readonly path: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.path = join(stateDir, JOURNAL_FILE);
  }

  /** Append one record; resolves once it is on disk. Appends from one process are serialised. */
  append(record: RevisionRecord): Promise<void> {
    const problem = recordProblem(record);
    if (problem) return Promise.reject(new BerthError('E_USAGE', `journal record refused: ${problem}`));
    const line = JSON.stringify(record);
    const run = this.queue.then(() => this.write(line));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(line: string): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const fh = await open(this.path, 'a+', 0o600);
      let created = false;
      try {
        const { size } = await fh.stat();
        created = size === 0;
        const prefix = size > 0 && !(await endsWithNewline(fh, size)) ? '\n' : '';
        await fh.write(`${prefix}${line}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (created) await fsyncDir(dirname(this.path));
    } catch (err) {
      throw new BerthError('E_IO', `cannot append to ${this.path}: ${messageOf(err)}`, undefined, { cause: err });
    }
  }

  /** All usable records in append order, plus the lines that were skipped and why. */
  async scan(): Promise<JournalScan> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: [] };
      throw new BerthError('E_IO', `cannot read ${this.path}: ${messageOf(err)}`, undefined, { cause: err });
    }
    return parseJournal(text);
  }

  async read(): Promise<RevisionRecord[]> {
    return (await this.scan()).records;
  }

  async history(opts: HistoryQuery = {}): Promise<HistoryEntry[]> {
    return history(this, opts);
  }

  async lastGoodRevision(): Promise<string | undefined> {
    return lastGood(await this.read());
  }

  async statusOf(sha: string): Promise<RevisionStatus | undefined> {
    return latestStatus(await this.read(), sha);
  }
}

export interface HistoryQuery {
  limit?: number;
  /** Only what this instance recorded (several may share a state directory); applied before the limit. */
  instance?: string;
}

/** Newest first, one entry per sha with its latest status. */
export async function history(journal: { read(): Promise<RevisionRecord[]> }, opts: HistoryQuery = {}): Promise<HistoryEntry[]> {
  const records = await journal.read();
  const entries = mergeRecords(opts.instance === undefined ? records : records.filter((r) => r.instance === opts.instance));
  return opts.limit === undefined ? entries : entries.slice(0, Math.max(0, opts.limit));
}

export function parseJournal(text: string): JournalScan {
  const records: RevisionRecord[] = [];
  const skipped: SkippedLine[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      skipped.push({ line: i + 1, reason: i === lines.length - 1 ? 'torn last line' : 'not JSON' });
      return;
    }
    const problem = recordProblem(value);
    if (problem) skipped.push({ line: i + 1, reason: problem });
    else records.push(value as RevisionRecord);
  });
  return { records, skipped };
}

function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  if (typeof r.sha !== 'string' || r.sha === '') return 'sha missing';
  if (!REVISION_STATUSES.includes(r.status as RevisionStatus)) return `unknown status ${JSON.stringify(r.status)}`;
  if (typeof r.at !== 'string') return 'at missing';
  return undefined;
}

async function endsWithNewline(fh: import('node:fs/promises').FileHandle, size: number): Promise<boolean> {
  const buf = Buffer.alloc(1);
  await fh.read(buf, 0, 1, size - 1);
  return buf[0] === 0x0a;
}
