/**
 * A real HTTP server on loopback (an OS-picked port) that records every request it gets:
 * what notification and commit-status tests deliver to. `respond` decides each answer
 * (default 200); `hold()` makes it keep requests waiting until `release()`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class HttpRecorder {
  readonly received: Received[] = [];
  respond: (r: Received, index: number) => number = () => 200;
  private held: (() => void)[] | undefined;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HttpRecorder> {
    let self: HttpRecorder | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const rec = self!;
        const answer = () => {
          rec.received.push(r);
          res.writeHead(rec.respond(r, rec.received.length - 1), { 'content-type': 'application/json' }).end('{}');
        };
        if (rec.held) rec.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new HttpRecorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const waiting = this.held ?? [];
    this.held = undefined;
    for (const answer of waiting) answer();
  }

  /** Bodies received so far, parsed. */
  json<T = Record<string, unknown>>(): T[] {
    return this.received.map((r) => JSON.parse(r.body) as T);
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
