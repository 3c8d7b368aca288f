/**
 * berth's HTTP surface: health, status, revisions, a manual sync, the git webhook,
 * Prometheus metrics and a small dashboard. Plain node:http: a handful of routes does not
 * need a framework, and body limits stay explicit.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BerthError } from '../util';
import type { StatusSnapshot } from './types';
import { asset } from './assets';
import { ACTION_ROUTES, handleAction, type ActionDeps, type ActionRoute } from './actions';
import type { SnapshotStream } from './events';
import type { DashboardSnapshot } from './view/types';
import { serveLogs, type LogOpener } from './logs';

export const MAX_WEBHOOK_BODY = 1024 * 1024;

export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

export interface ApiDeps {
  status(): StatusSnapshot;
  /** Newest first; entries are already redacted. */
  revisions(limit: number): Promise<unknown[]>;
  /** Ask the loop for a pass; returns at once. */
  requestSync(reason: string): void;
  /** Checks a webhook delivery (signature, token); when no secret is configured, accepts. */
  verifyWebhook(headers: http.IncomingHttpHeaders, body: Buffer): WebhookVerdict;
  /** Is the loop ready (has finished its first pass)? */
  ready(): boolean;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** The dashboard's view and revisions (`GET /api/v1/view`) and its live stream (`GET /api/v1/events`). */
  dashboard?: { snapshot(): Promise<DashboardSnapshot>; stream: SnapshotStream<DashboardSnapshot> };
  /** rollback, restart, self-heal (sync goes through requestSync when absent). */
  actions?: Omit<ActionDeps, 'sync'>;
  /** The token of --api-token-file: every mutating call must carry it (guard.ts). */
  apiToken?: string;
  /** Log streams of the instance's pods (GET /api/v1/logs); absent: that route answers 501. */
  openLogs?: LogOpener;
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(listen: string, deps: ApiDeps): Promise<ApiServer> {
  const { host, port } = parseListen(listen);
  const server = http.createServer((req, res) => {
    route(req, res, deps, host).catch((err: unknown) => send(res, 500, { error: (err as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new BerthError(
          'E_USAGE',
          `cannot listen on ${listen}: ${err.code === 'EADDRINUSE' ? 'address in use' : err.message}`,
          'choose another --listen address',
        ),
      ),
    );
    server.listen(port, host, resolve);
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new BerthError('E_USAGE', `invalid --listen "${listen}"`, 'use HOST:PORT, e.g. 127.0.0.1:7070');
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

async function route(req: http.IncomingMessage, res: http.ServerResponse, deps: ApiDeps, listenHost: string): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  const key = `${req.method} ${url.pathname}`;
  if (req.method === 'POST' && (ACTION_ROUTES as readonly string[]).includes(url.pathname)) {
    const r = await handleAction(url.pathname as ActionRoute, req, { token: deps.apiToken, listenHost }, actionDeps(deps));
    return send(res, r.status, r.body);
  }
  switch (key) {
    case 'GET /healthz':
      return send(res, 200, { status: 'ok' });
    case 'GET /readyz':
      return deps.ready() ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'starting' });
    case 'GET /api/v1/status':
      return send(res, 200, deps.status());
    case 'GET /api/v1/revisions': {
      const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 50) || 50, 1), 1000);
      return send(res, 200, await deps.revisions(limit));
    }
    case 'GET /api/v1/view':
      return deps.dashboard ? send(res, 200, await deps.dashboard.snapshot()) : send(res, 404, { error: 'no dashboard view here' });
    case 'GET /api/v1/events':
      if (!deps.dashboard) return send(res, 404, { error: 'no event stream here' });
      deps.dashboard.stream.attach(req, res);
      return;
    case 'GET /api/v1/logs':
      return serveLogs(req, res, url, deps.openLogs);
    case 'POST /hooks/git':
      return webhook(req, res, deps);
    case 'GET /metrics': {
      const m = await deps.metrics();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return;
    }
    default:
      return req.method === 'GET' ? serveAsset(url.pathname, res, key) : send(res, 404, { error: `no route ${key}` });
  }
}

async function serveAsset(urlPath: string, res: http.ServerResponse, key: string): Promise<void> {
  const a = await asset(urlPath);
  if (a.type === 'none') return send(res, 404, { error: `no route ${key}` });
  if (a.type === 'missing') return send(res, 503, { error: a.message });
  // The page loads only berth's own files; nothing of another origin runs in it.
  res.writeHead(200, {
    'content-type': a.contentType,
    'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  });
  res.end(a.body);
}

/** The sync action is the loop's trigger; the others come from the operator when it has them. */
function actionDeps(deps: ApiDeps): ActionDeps {
  const none = async () => ({ type: 'refused' as const, status: 501 as const, message: 'this server has no such action' });
  return {
    sync: () => {
      deps.requestSync('api');
      return { type: 'accepted', message: 'sync requested', status: 'sync requested' };
    },
    rollback: deps.actions?.rollback ?? none,
    restart: deps.actions?.restart ?? none,
    setSelfHealPaused: deps.actions?.setSelfHealPaused ?? none,
  };
}

async function webhook(req: http.IncomingMessage, res: http.ServerResponse, deps: ApiDeps): Promise<void> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BODY) return refuseTooLarge(req, res);
  const body = await readBody(req, MAX_WEBHOOK_BODY);
  if (body === undefined) return refuseTooLarge(req, res);
  const verdict = deps.verifyWebhook(req.headers, body);
  if (!verdict.ok) return send(res, 401, { error: verdict.reason });
  deps.requestSync('webhook');
  return send(res, 202, { status: 'sync requested' });
}

/** How long the rest of a refused body is read (and dropped) so the client gets the 413 before the close. */
const DRAIN_REFUSED_MS = 1000;

function refuseTooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
  // Closing while the client still sends makes its TCP stack see EPIPE or a reset, which can
  // come before it has read the 413 (a `Connection: close` answer did exactly that, now and
  // then): read and drop the rest of the body, and cut the connection only if it goes on
  // for longer than a moment.
  req.resume();
  const cut = setTimeout(() => req.destroy(), DRAIN_REFUSED_MS);
  req.on('end', () => clearTimeout(cut));
  req.on('close', () => clearTimeout(cut));
  send(res, 413, { error: `body larger than ${MAX_WEBHOOK_BODY} bytes` });
}

/** The body, or undefined when it grows past `limit` (reading stops there). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body, null, 2) + '\n');
}
