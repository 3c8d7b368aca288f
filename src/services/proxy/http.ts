/**
 * An Ingress listener: HTTP, or HTTPS with a certificate per host chosen by SNI. Each request
 * is matched against the routes (route.ts) of the listener's current spec: no rule matches
 * -> 404, the backend has no ready endpoint -> 503; else round robin over the backend's
 * endpoints, a refused dial of a bodiless request tried on the next one. Changing the spec
 * affects new requests only, so an endpoint that left the table gets no new request while
 * its in-flight ones finish (they count against it until done: drains wait for them).
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { RoundRobin } from './balance';
import { bodiless, forward, upstreamHeaders } from './forward';
import type { BackendSpec, TlsSpec } from './httpTypes';
import { RetryingListener } from './listener';
import { hostMatches, matchRoute, requestPath } from './route';
import { listenerKey } from './types';

export class HttpListener extends RetryingListener {
  private server?: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly turns = new Map<string, RoundRobin>();
  private readonly contexts = new Map<string, tls.SecureContext>();

  protected bind(failed: (err: Error) => void, bound: () => void): void {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res);
    const certs = this.spec.http?.tls;
    let server: http.Server;
    try {
      server = certs
        ? https.createServer({ ...this.defaultCert(certs), SNICallback: (name, cb) => cb(null, this.contextFor(name)) }, handler)
        : http.createServer(handler);
    } catch (err) {
      return failed(err as Error);
    }
    this.server = server;
    server.once('error', failed);
    server.listen({ host: this.spec.address, port: this.spec.port, exclusive: true }, bound);
  }

  protected release(): void {
    this.server?.close();
  }

  private defaultCert(certs: TlsSpec[]): { cert: Buffer; key: Buffer } | Record<string, never> {
    const t = certs.find((c) => c.hosts.length === 0) ?? certs[0];
    return t ? { cert: readFileSync(t.certFile), key: readFileSync(t.keyFile) } : {};
  }

  /** The certificate for an SNI name: an exact host first, then a wildcard, then the default. */
  private contextFor(name: string): tls.SecureContext | undefined {
    const certs = this.spec.http?.tls ?? [];
    const host = name.toLowerCase();
    const t =
      certs.find((c) => c.hosts.includes(host)) ??
      certs.find((c) => c.hosts.some((h) => h.startsWith('*.') && hostMatches(h, host))) ??
      certs.find((c) => c.hosts.length === 0);
    if (!t) return undefined;
    let ctx = this.contexts.get(t.certFile);
    if (!ctx) {
      try {
        ctx = tls.createSecureContext({ cert: readFileSync(t.certFile), key: readFileSync(t.keyFile) });
      } catch (err) {
        this.deps.log.warn({ listener: listenerKey(this.spec), err: (err as Error).message }, 'certificate unreadable; the default one is used');
        return undefined;
      }
      this.contexts.set(t.certFile, ctx);
    }
    return ctx;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const routes = this.spec.http ?? { routes: [] };
    const m = matchRoute(routes, req.headers.host, requestPath(req.url));
    if (m.kind === 'none') return answer(res, 404, 'no Ingress rule matches this host and path');
    const backend = m.kind === 'route' ? m.route : m.backend;
    const order = this.turnOf(backend).order(backend.endpoints);
    if (order.length === 0) return this.refuse(res, backend);
    const headers = upstreamHeaders(req, routes.tls ? 'https' : 'http', this.spec.port);
    const opts = { agent: this.agent, counters: this.deps.counters, connectTimeoutMs: this.deps.connectTimeoutMs, headers };
    const refused: string[] = [];
    for (const ep of bodiless(req) ? order : order.slice(0, 1)) {
      const r = await forward(req, res, ep, opts);
      if (r.ok) {
        this.st.forwarded++;
        this.deps.onChange();
        return;
      }
      refused.push(`${ep.ip}:${ep.port} ${r.error}`);
      if (!r.retriable || res.headersSent || res.destroyed) break;
    }
    if (!res.headersSent && !res.destroyed) answer(res, 502, `no endpoint of Service ${backend.service} answered`);
    this.deps.log.warn({ listener: listenerKey(this.spec), service: backend.service, refused }, 'no endpoint accepted the request');
  }

  private refuse(res: http.ServerResponse, backend: BackendSpec): void {
    this.st.rejected++;
    this.deps.onChange();
    answer(res, 503, `Service ${backend.service} has no ready endpoint`);
  }

  private turnOf(b: BackendSpec): RoundRobin {
    const key = `${b.service}:${b.servicePort}`;
    let rr = this.turns.get(key);
    if (!rr) this.turns.set(key, (rr = new RoundRobin()));
    return rr;
  }
}

function answer(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-berth-ingress': 'berth' });
  res.end(`${status} ${text}\n`);
}
