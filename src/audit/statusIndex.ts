/**
 * The latest status of each sha in the journal, kept up to date by reading only what was
 * appended since the last look. The operator asks for the head's status at every pass; reading
 * and parsing the whole journal for it made every pass cost the length of the history (a
 * record of a 500-pod commit alone is tens of KB). The journal is append-only, so a file that
 * grew is read from the last complete line on; a file that shrank (replaced, truncated by
 * hand) is read again from the start.
 */
import { open } from 'node:fs/promises';
import { BerthError, messageOf } from '../util';
import type { RevisionRecord, RevisionStatus } from './types';

export type ParseLines = (text: string) => { records: RevisionRecord[] };

export class StatusIndex {
  private bySha = new Map<string, RevisionStatus>();
  /** Bytes of the file folded in so far: always just after a newline (a torn last line is read again). */
  private offset = 0;

  constructor(
    private readonly path: string,
    private readonly parse: ParseLines,
  ) {}

  async statusOf(sha: string): Promise<RevisionStatus | undefined> {
    await this.catchUp();
    return this.bySha.get(sha);
  }

  private async catchUp(): Promise<void> {
    let fh;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new BerthError('E_IO', `cannot read ${this.path}: ${messageOf(err)}`, undefined, { cause: err });
      this.reset();
      return;
    }
    try {
      const { size } = await fh.stat();
      if (size < this.offset) this.reset();
      if (size === this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      const end = buf.lastIndexOf(0x0a, bytesRead - 1) + 1; // complete lines only
      if (end === 0) return;
      for (const r of this.parse(buf.subarray(0, end).toString('utf8')).records) this.bySha.set(r.sha, r.status);
      this.offset += end;
    } finally {
      await fh.close();
    }
  }

  private reset(): void {
    this.bySha = new Map();
    this.offset = 0;
  }
}
