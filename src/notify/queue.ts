/**
 * Deliveries to one HTTP endpoint: a bounded queue (the oldest waiting delivery is dropped
 * when it is full, and counted), one request at a time, retried with exponential backoff on
 * network errors, 408, 429 and 5xx. `push` never waits: the loop is never held by a slow or
 * dead receiver. `drain` waits (bounded) for what is queued, at shutdown.
 */
export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

export interface QueueOptions {
  url: string;
  /** What the log says this endpoint is (never the URL's credentials). */
  name: string;
  capacity?: number;
  attempts?: number;
  firstBackoffMs?: number;
  timeoutMs?: number;
  log(msg: string, fields?: Record<string, unknown>): void;
}

export class DeliveryQueue {
  private readonly waiting: Delivery[] = [];
  private running?: Promise<void>;
  private dropped = 0;
  private closed = false;

  constructor(private readonly opts: QueueOptions) {}

  push(d: Delivery): void {
    if (this.closed) return;
    if (this.waiting.length >= (this.opts.capacity ?? 100)) {
      this.waiting.shift();
      this.dropped++;
      this.opts.log('notification queue full: the oldest waiting notification was dropped', { to: this.opts.name, dropped: this.dropped });
    }
    this.waiting.push(d);
    this.running ??= this.work().finally(() => (this.running = undefined));
  }

  /** Deliveries dropped because the queue was full. */
  droppedCount(): number {
    return this.dropped;
  }

  /** Wait for the queue to empty, at most `timeoutMs`; then stop taking new deliveries. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.running ?? Promise.resolve(), timeout]);
    clearTimeout(timer);
    this.closed = true;
  }

  private async work(): Promise<void> {
    for (let d = this.waiting.shift(); d; d = this.waiting.shift()) await this.deliver(d);
  }

  private async deliver(d: Delivery): Promise<void> {
    const attempts = this.opts.attempts ?? 5;
    let backoff = this.opts.firstBackoffMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      const result = await this.post(d);
      if (result.ok) return;
      if (!result.retry || attempt >= attempts || this.closed) {
        this.opts.log('notification not delivered', { to: this.opts.name, attempts: attempt, reason: result.reason });
        return;
      }
      await new Promise((r) => setTimeout(r, backoff));
      backoff *= 2;
    }
  }

  private async post(d: Delivery): Promise<{ ok: true } | { ok: false; retry: boolean; reason: string }> {
    try {
      const res = await fetch(this.opts.url, { method: 'POST', headers: d.headers, body: d.body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true };
      return { ok: false, retry: res.status === 408 || res.status === 429 || res.status >= 500, reason: `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, retry: true, reason: (err as Error).message };
    }
  }
}
