/**
 * A steady stream of HTTP GETs, each on a new connection, split into named phases: a
 * request counts in the phase during which it ended (a request in flight when a deploy
 * starts, and killed by it, counts in the deploy's phase). Bounded: it stops by itself after
 * `maxRequests` or `deadlineMs`, whichever comes first.
 */
import * as http from 'node:http';
import type { LoadResult } from './load';

export interface StreamOptions {
  host: string;
  port: number;
  path: string;
  /** Requests in flight at once (workers). */
  concurrency: number;
  /** Pause of each worker between two requests (default 10 ms). */
  pauseMs?: number;
  timeoutMs?: number;
  /** Hard bounds on the whole stream (defaults 200 000 requests, 10 minutes). */
  maxRequests?: number;
  deadlineMs?: number;
}

export interface PhaseResult extends LoadResult {
  phase: string;
  /** Response bodies (trimmed) with counts: which versions answered. */
  bodies: Map<string, number>;
  /** From the first failed request to the end of the last one, ms (0 when none failed). */
  failingMs: number;
  /**
   * The longest time without an answer, ms: between two successful answers (the earlier one
   * possibly in an earlier phase), counted in the phase whose request ended the wait. A
   * refused connection fails at once, but a SYN that goes unanswered waits a second or more
   * and then succeeds: this column sees both.
   */
  maxGapMs: number;
  /** Wall-clock times (ISO) of the first and the last failure, to line up with logs. */
  failures?: { first: string; last: string };
}

type Outcome = { ok: true; body: string } | { ok: false; error: string };

export class Stream {
  private readonly phases: PhaseResult[] = [];
  private readonly started: number[] = [];
  private readonly firstFail: (number | undefined)[] = [];
  private workers: Promise<void>[] = [];
  private stopped = false;
  private total = 0;
  private startedAt = 0;
  private lastOkAt = 0;

  constructor(private readonly o: StreamOptions) {}

  /** Starts sending, in a first phase called `phase`. */
  start(phase: string): this {
    this.startedAt = performance.now();
    this.lastOkAt = this.startedAt;
    this.phase(phase);
    this.workers = Array.from({ length: this.o.concurrency }, () => this.worker());
    return this;
  }

  /** Requests sent from now on count in `name`. */
  phase(name: string): void {
    this.closeCurrent();
    this.phases.push({ phase: name, sent: 0, failed: 0, latencies: [], durationMs: 0, errors: {}, bodies: new Map(), failingMs: 0, maxGapMs: 0 });
    this.firstFail.push(undefined);
    this.started.push(performance.now());
  }

  /** Stops sending, waits for requests in flight, returns every phase. */
  async stop(): Promise<PhaseResult[]> {
    this.stopped = true;
    await Promise.all(this.workers);
    this.closeCurrent();
    for (const p of this.phases) p.latencies.sort((a, b) => a - b);
    return this.phases;
  }

  private closeCurrent(): void {
    const i = this.phases.length - 1;
    if (i >= 0 && this.phases[i].durationMs === 0) this.phases[i].durationMs = performance.now() - this.started[i];
  }

  private bounded(): boolean {
    return this.total < (this.o.maxRequests ?? 200_000) && performance.now() - this.startedAt < (this.o.deadlineMs ?? 600_000);
  }

  private async worker(): Promise<void> {
    while (!this.stopped && this.bounded()) {
      this.total++;
      const t0 = performance.now();
      const r = await this.get();
      // Counted when it ends: a request killed by a deploy belongs to that deploy's phase.
      const i = this.phases.length - 1;
      const p = this.phases[i];
      p.sent++;
      if (r.ok) {
        const now = performance.now();
        p.maxGapMs = Math.max(p.maxGapMs, now - this.lastOkAt);
        this.lastOkAt = Math.max(this.lastOkAt, now);
        p.latencies.push(now - t0);
        p.bodies.set(r.body, (p.bodies.get(r.body) ?? 0) + 1);
      } else {
        const first = (this.firstFail[i] ??= t0);
        p.failingMs = performance.now() - first;
        const at = new Date().toISOString();
        p.failures = { first: p.failures?.first ?? at, last: at };
        p.failed++;
        p.errors[r.error] = (p.errors[r.error] ?? 0) + 1;
      }
      await new Promise((res) => setTimeout(res, this.o.pauseMs ?? 10));
    }
  }

  private get(): Promise<Outcome> {
    return new Promise((resolve) => {
      const opts = { host: this.o.host, port: this.o.port, path: this.o.path, agent: false, timeout: this.o.timeoutMs ?? 5000 };
      const req = http.get(opts, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(res.statusCode === 200 ? { ok: true, body: body.trim() } : { ok: false, error: `HTTP ${res.statusCode}` }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: `response ${e.code ?? e.message}` }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
    });
  }
}

/** One request now: true when it answered 200 with `body` (any body when omitted). */
export function answers(host: string, port: number, path: string, body?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, agent: false, timeout: 2000 }, (res) => {
      let got = '';
      res.on('data', (c: Buffer) => (got += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && (body === undefined || got.trim() === body)));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
