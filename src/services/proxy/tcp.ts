/**
 * A TCP listener: accepts on the host port, picks an endpoint round robin, skips the ones
 * that refuse or do not answer within the connect timeout, then pipes bytes both ways
 * (half-close passed on). Changing the endpoints affects only new connections, so a removed
 * endpoint's open connections drain until either side closes them.
 */
import * as net from 'node:net';
import { connectFirst, RoundRobin, type Attempt } from './balance';
import { RetryingListener, type ListenerDeps } from './listener';
import { bindInNetns } from './netns';
import { endpointKey, listenerKey, type EndpointSpec } from './types';

const REJECT_LOG_EVERY_MS = 5000;

export class TcpListener extends RetryingListener {
  private server?: net.Server;
  private readonly rr = new RoundRobin();
  private lastRejectLog = 0;
  private unlogged = 0;

  protected bind(failed: (err: Error) => void, bound: () => void): void {
    if (this.spec.netns) return this.bindInAnchor(this.spec.netns, failed, bound);
    const server = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (c) => void this.accept(c));
    this.server = server;
    server.once('error', failed);
    server.listen({ host: this.spec.address, port: this.spec.port, exclusive: true }, bound);
  }

  /** The socket comes bound from the anchor's namespace; it accepts like one of ours. */
  private bindInAnchor(netns: string, failed: (err: Error) => void, bound: () => void): void {
    bindInNetns(netns, 'TCP', this.spec.address, this.spec.port).then((server) => {
      if (this.closed) return void server.close();
      // What createServer's options set (net.Server keeps them as own properties, read per
      // accepted connection), on a server the IPC channel made without them.
      Object.assign(server, { pauseOnConnect: true, allowHalfOpen: true });
      server.on('connection', (c: net.Socket) => void this.accept(c));
      this.server = server;
      bound();
    }, failed);
  }

  protected release(): void {
    this.server?.close();
  }

  private async accept(client: net.Socket): Promise<void> {
    let gone = false;
    const onEarlyEnd = (): void => void (gone = true);
    client.on('error', onEarlyEnd);
    client.on('close', onEarlyEnd);
    const order = this.rr.order(this.spec.endpoints);
    // A connection counts against its endpoint from the dial on, so a drain that starts while
    // it is being set up waits for it too.
    const counted = async (ep: EndpointSpec): Promise<Attempt<net.Socket>> => {
      this.deps.counters.inc(endpointKey(ep));
      const a = await dial(ep, this.deps.connectTimeoutMs);
      if (!a.ok) this.deps.counters.dec(endpointKey(ep));
      return a;
    };
    const outcome = await connectFirst(order, counted, () => !gone);
    if (!outcome.ok || gone) {
      if (outcome.ok) {
        outcome.conn.destroy();
        this.deps.counters.dec(endpointKey(outcome.endpoint));
      } else
        this.reject(
          client,
          outcome.refused.map((r) => `${endpointKey(r.endpoint)} ${r.error}`),
        );
      return;
    }
    client.off('error', onEarlyEnd);
    client.off('close', onEarlyEnd);
    this.st.forwarded++;
    this.deps.onChange();
    splice(client, outcome.conn, endpointKey(outcome.endpoint), this.deps);
  }

  private reject(client: net.Socket, refused: string[]): void {
    this.st.rejected++;
    this.deps.onChange();
    client.destroy();
    // One line per listener every few seconds at most: a load against no endpoint must not flood the log.
    const now = Date.now();
    if (now - this.lastRejectLog < REJECT_LOG_EVERY_MS) return void this.unlogged++;
    const what = refused.length ? 'no endpoint accepted the connection' : 'no ready endpoint';
    this.deps.log.warn({ listener: listenerKey(this.spec), refused, rejectedSinceLastLine: this.unlogged }, what);
    this.lastRejectLog = now;
    this.unlogged = 0;
  }
}

function dial(ep: EndpointSpec, timeoutMs: number): Promise<Attempt<net.Socket>> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ep.ip, port: ep.port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ ok: false, error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve({ ok: true, conn: s });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, error: err.code ?? err.message });
    });
  });
}

/** Bytes both ways until both sides are closed; the endpoint's count (taken at dial) ends then. */
function splice(client: net.Socket, upstream: net.Socket, key: string, deps: ListenerDeps): void {
  let open = 2;
  const closed = (): void => {
    if (--open === 0) deps.counters.dec(key);
  };
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', (hadError) => {
    if (hadError) upstream.destroy();
    else closeAfterFlush(upstream);
    closed();
  });
  upstream.on('close', (hadError) => {
    if (hadError) client.destroy();
    else closeAfterFlush(client);
    closed();
  });
  client.pipe(upstream);
  upstream.pipe(client);
  client.resume();
}

/** The other side is gone for good: pass on what is queued, then close. */
function closeAfterFlush(s: net.Socket): void {
  if (s.destroyed) return;
  s.end();
  if (s.writableFinished) s.destroy();
  else s.once('finish', () => s.destroy());
}
