/**
 * Writes ack.json: the generation applied, each listener's state and the open connections
 * per endpoint. Writes are coalesced (at most one every `minIntervalMs`, one at a time),
 * so a burst of connections costs a few writes, and the last state is always written.
 */
import type { Logger } from '../../util';
import { messageOf } from '../../util';
import { replaceFile } from './files';
import type { AckFile } from './types';

export class AckWriter {
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private dirty = false;

  constructor(
    private readonly path: string,
    private readonly dir: string,
    private readonly build: () => AckFile,
    private readonly log: Logger,
    private readonly minIntervalMs = 25,
  ) {}

  /** Write soon; `now` skips the coalescing delay (after a table is applied). */
  schedule(now = false): void {
    this.dirty = true;
    if (this.writing) return; // written again when the current write ends
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.minIntervalMs);
    }
  }

  async flush(): Promise<void> {
    this.timer = undefined;
    if (this.writing) return this.writing;
    this.writing = (async () => {
      while (this.dirty) {
        this.dirty = false;
        try {
          await replaceFile(this.path, JSON.stringify(this.build(), null, 1) + '\n', this.dir);
        } catch (err) {
          this.log.error({ err: messageOf(err) }, 'cannot write ack');
        }
      }
    })();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
