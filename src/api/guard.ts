/**
 * Who may call a mutating endpoint (sync, rollback, restart, self-heal) — pure.
 *
 * - With `--api-token-file`: `Authorization: Bearer TOKEN` on every call. A browser cannot
 *   send that header cross-site without a CORS preflight, which berth never grants.
 * - Without a token, berth listening on loopback only: a client that is not a browser (no
 *   Origin, no Sec-Fetch-Site: curl, `berth sync`) may; a browser only from berth's own page
 *   (Origin equal to Host, Host a loopback name so a DNS-rebound name is refused) and only
 *   with `Content-Type: application/json` (not a "simple" request a form could send).
 * - Without a token, berth listening beyond loopback: refused, whoever asks.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export interface GuardConfig {
  /** The token of --api-token-file, if any. */
  token?: string;
  /** The host berth listens on (`--listen`). */
  listenHost: string;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** `Host` header -> host name without the port. */
function hostName(hostHeader: string): string {
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader);
  return m ? m[1]! : hostHeader;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function guardMutation(headers: IncomingHttpHeaders, cfg: GuardConfig): GuardVerdict {
  const origin = header(headers, 'origin');
  const site = header(headers, 'sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return { ok: false, status: 403, reason: `cross-site request refused (Sec-Fetch-Site: ${site})` };
  const host = header(headers, 'host') ?? '';
  if (origin && origin !== `http://${host}` && origin !== `https://${host}`)
    return { ok: false, status: 403, reason: `cross-origin request refused (Origin ${origin})` };
  if (cfg.token !== undefined) {
    const auth = header(headers, 'authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m || !sameToken(m[1]!.trim(), cfg.token))
      return { ok: false, status: 401, reason: 'this action needs the API token: Authorization: Bearer TOKEN (berth run --api-token-file)' };
    return { ok: true };
  }
  if (!isLoopbackHost(cfg.listenHost)) {
    return { ok: false, status: 403, reason: `actions are refused: berth listens on ${cfg.listenHost} (beyond loopback) without --api-token-file` };
  }
  const browser = origin !== undefined || site !== undefined;
  if (!browser) return { ok: true };
  if (!isLoopbackHost(hostName(host)))
    return { ok: false, status: 403, reason: `request for host ${host} refused: without a token only a loopback name is accepted` };
  if (!/^application\/json\b/i.test(header(headers, 'content-type') ?? ''))
    return { ok: false, status: 403, reason: 'a browser must send Content-Type: application/json' };
  return { ok: true };
}
