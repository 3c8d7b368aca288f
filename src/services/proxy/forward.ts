/**
 * Forwarding one HTTP request to one endpoint: hop-by-hop headers dropped, X-Forwarded-For
 * / -Proto / -Host / -Port set, the response streamed back. The endpoint's count (what a
 * drain waits for) covers the request from the dial until the response is done or either
 * side goes away.
 */
import * as http from 'node:http';
import type { ConnectionCounters } from './counters';
import { endpointKey, type EndpointSpec } from './types';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'transfer-encoding', 'proxy-authorization'];

function clientAddress(req: http.IncomingMessage): string {
  return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

/** The request headers an endpoint receives. */
export function upstreamHeaders(req: http.IncomingMessage, proto: 'http' | 'https', listenPort: number): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const dropped = new Set([
    ...HOP_BY_HOP,
    ...String(req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase()),
  ]);
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !dropped.has(k)) out[k] = v;
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${clientAddress(req)}` : clientAddress(req);
  out['x-forwarded-proto'] = proto;
  out['x-forwarded-host'] = req.headers.host ?? '';
  out['x-forwarded-port'] = String(listenPort);
  return out;
}

function responseHeaders(up: http.IncomingMessage): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const dropped = new Set(HOP_BY_HOP.filter((h) => h !== 'transfer-encoding'));
  for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !dropped.has(k)) out[k] = v;
  return out;
}

/** A request without a body can be sent again to another endpoint when the first refuses. */
export function bodiless(req: http.IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
}

export interface ForwardOptions {
  agent: http.Agent;
  counters: ConnectionCounters;
  connectTimeoutMs: number;
  headers: http.OutgoingHttpHeaders;
}

export type ForwardOutcome = { ok: true } | { ok: false; error: string; retriable: boolean };

/** Sends `req` to `ep` and streams the answer into `res`; resolves once the outcome is known (a response began, or the dial failed). */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, ep: EndpointSpec, opts: ForwardOptions): Promise<ForwardOutcome> {
  const key = endpointKey(ep);
  opts.counters.inc(key);
  let counted = true;
  const release = (): void => {
    if (counted) opts.counters.dec(key);
    counted = false;
  };
  return new Promise((resolve) => {
    const up = http.request({ host: ep.ip, port: ep.port, method: req.method, path: req.url, headers: opts.headers, agent: opts.agent });
    let timer: NodeJS.Timeout | undefined;
    up.on('socket', (s) => {
      if (!s.connecting) return;
      timer = setTimeout(() => up.destroy(new Error(`no answer within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
      s.once('connect', () => clearTimeout(timer));
    });
    up.on('response', (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.statusMessage, responseHeaders(ur));
      ur.pipe(res);
      ur.on('end', release);
      ur.on('error', () => res.destroy());
      resolve({ ok: true });
    });
    up.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      release();
      if (res.headersSent) res.destroy();
      // Nothing of the request reached an endpoint that refused the dial: sending it elsewhere is safe.
      resolve({
        ok: false,
        error: err.code ?? err.message,
        retriable: up.reusedSocket === false && (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || /no answer/.test(err.message)),
      });
    });
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
      release();
    });
    if (bodiless(req)) up.end();
    else req.pipe(up);
  });
}
