/**
 * controller-runtime's work queue for a single key: triggers (commit, poll, webhook, engine
 * event, resync timer) only ask for a pass; triggers that arrive while a pass runs collapse
 * into one more pass. A pass ends in exactly one Result, and this is the one place that turns
 * results into the time of the next pass.
 */

export type PassResult =
  | { type: 'done'; resyncAfterMs: number } // converged; look again after the resync period
  | { type: 'requeue'; afterMs: number } // progressing; look again soon
  | { type: 'transient-error'; error: Error } // back off exponentially, then retry
  | { type: 'terminal-error'; error: Error }; // wait for new input (a trigger), no retry

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 5 * 60_000 };

/** Delay before the next pass after `result`, given how many transient errors came before it. */
export function nextDelay(result: PassResult, failures: number, backoff: Backoff = DEFAULT_BACKOFF): number | undefined {
  switch (result.type) {
    case 'done':
      return result.resyncAfterMs;
    case 'requeue':
      return result.afterMs;
    case 'transient-error':
      return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(failures, 20));
    case 'terminal-error':
      return undefined;
  }
}

export class PassQueue {
  private pending = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly pass: (reasons: string[]) => Promise<PassResult>,
    private readonly onResult: (result: PassResult, nextInMs: number | undefined) => void = () => {},
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {}

  private reasons: string[] = [];

  /** Ask for a pass. Cheap and safe to call from any trigger at any rate. */
  trigger(reason: string): void {
    if (this.stopped) return;
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
    this.pending = true;
    if (!this.running) this.idle = this.drain();
  }

  /** Stop scheduling; resolves when the pass in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.idle;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.pending && !this.stopped) {
        this.pending = false;
        const reasons = this.reasons;
        this.reasons = [];
        if (this.timer) clearTimeout(this.timer);
        let result: PassResult;
        try {
          result = await this.pass(reasons);
        } catch (err) {
          result = { type: 'transient-error', error: err instanceof Error ? err : new Error(String(err)) };
        }
        this.failures = result.type === 'transient-error' ? this.failures + 1 : 0;
        const delay = nextDelay(result, this.failures - 1, this.backoff);
        this.onResult(result, delay);
        if (delay !== undefined && !this.stopped && !this.pending) {
          this.timer = setTimeout(() => this.trigger(result.type === 'transient-error' ? 'retry' : 'resync'), delay);
          this.timer.unref?.();
        }
      }
    } finally {
      this.running = false;
    }
  }
}
