/**
 * A steady stream of HTTP requests, each on a new connection (as a load balancer sees new
 * clients), counting what failed and why. For tests that must see zero failures.
 */
import * as http from 'node:http';

export class Load {
  sent = 0;
  failed = 0;
  readonly errors: string[] = [];
  /** Response bodies seen, with counts (which versions served). */
  readonly bodies = new Map<string, number>();
  private stopped = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly concurrency = 4,
    private readonly pauseMs = 10,
  ) {}

  start(): this {
    this.workers = Array.from({ length: this.concurrency }, () => this.worker());
    return this;
  }

  async stop(): Promise<this> {
    this.stopped = true;
    await Promise.all(this.workers);
    return this;
  }

  private async worker(): Promise<void> {
    while (!this.stopped) {
      this.sent++;
      const r = await get(this.url);
      if (r.ok) this.bodies.set(r.body, (this.bodies.get(r.body) ?? 0) + 1);
      else {
        this.failed++;
        if (this.errors.length < 20) this.errors.push(`${new Date().toISOString()} ${r.error}`);
      }
      await new Promise((res) => setTimeout(res, this.pauseMs));
    }
  }
}

function get(url: string): Promise<{ ok: true; body: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? { ok: true, body: body.trim() } : { ok: false, error: `HTTP ${res.statusCode}` }));
      res.on('error', (e) => resolve({ ok: false, error: `response: ${e.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
  });
}
