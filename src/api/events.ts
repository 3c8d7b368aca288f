/**
 * Server-Sent Events for the dashboard: the operator says `changed()` whenever something
 * it shows may have moved (a look at the engine, a pass, a record, an action); changes
 * within `debounceMs` collapse into one rebuild, and a snapshot equal to the last one sent
 * is not sent again. A new client gets the current snapshot at once. Comments every
 * `heartbeatMs` keep proxies from closing an idle stream. SSE rather than WebSocket: one
 * direction is all the page needs, EventSource reconnects by itself, plain node:http.
 */
import type * as http from 'node:http';

export interface EventStreamOptions {
  debounceMs?: number;
  heartbeatMs?: number;
  onError?(err: unknown): void;
}

export class SnapshotStream<T> {
  /** Each client with the last snapshot it was sent. */
  private readonly clients = new Map<http.ServerResponse, string | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private building: Promise<void> = Promise.resolve();

  constructor(
    private readonly snapshot: () => Promise<T>,
    private readonly opts: EventStreamOptions = {},
  ) {
    this.heartbeat = setInterval(() => {
      for (const c of this.clients.keys()) c.write(': keep-alive\n\n');
    }, opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Something shown may have changed: rebuild soon and push when different. */
  changed(): void {
    if (this.timer || this.clients.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.building = this.building.then(() => this.push()).catch((err: unknown) => this.opts.onError?.(err));
    }, this.opts.debounceMs ?? 150);
  }

  /** Take over a GET as an event stream. */
  attach(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.set(res, undefined);
    req.on('close', () => this.clients.delete(res));
    this.snapshot().then(
      (s) => this.send(res, JSON.stringify(s)),
      (err: unknown) => this.opts.onError?.(err),
    );
  }

  close(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    for (const c of this.clients.keys()) c.end();
    this.clients.clear();
  }

  private async push(): Promise<void> {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(await this.snapshot());
    for (const c of this.clients.keys()) this.send(c, text);
  }

  private send(res: http.ServerResponse, text: string): void {
    if (!this.clients.has(res) || this.clients.get(res) === text) return;
    this.clients.set(res, text);
    res.write(frame(text));
  }
}

/** One `snapshot` event; JSON has no raw newline, so one data line. */
function frame(json: string): string {
  return `event: snapshot\ndata: ${json}\n\n`;
}
