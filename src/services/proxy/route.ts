/**
 * Which backend serves a request, by Kubernetes' Ingress rules. Pure.
 * - Host: an exact host rule before a wildcard rule (`*.example.com` matches exactly one
 *   more label: `a.example.com`, not `example.com` nor `a.b.example.com`), before rules
 *   without a host. The most specific host that has rules is chosen; a path that none of its
 *   rules matches goes to the default backend (as ingress-nginx's server blocks do), not to
 *   a less specific host's rules.
 * - Path: the longest matching path first; on equal paths Exact before Prefix. Exact is the
 *   whole path, case-sensitive. Prefix matches element by element split on `/`, a trailing
 *   `/` ignored on both sides: `/foo` matches `/foo`, `/foo/` and `/foo/bar`, not `/foobar`;
 *   `/` matches every path.
 */
import type { BackendSpec, HttpRoutes, RouteSpec } from './httpTypes';

export type RouteMatch = { kind: 'route'; route: RouteSpec } | { kind: 'default'; backend: BackendSpec } | { kind: 'none' };

/** `Host` header to a lowercase name: port and a trailing dot removed; IPv6 literals kept bracketed. */
export function hostName(header: string | undefined): string {
  if (!header) return '';
  const h = header.trim().toLowerCase();
  const bare = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
  return bare.replace(/\.$/, '');
}

export function hostMatches(ruleHost: string, host: string): boolean {
  if (ruleHost === '') return true;
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const suffix = ruleHost.slice(1); // `.example.com`
  return host.endsWith(suffix) && host.length > suffix.length && !host.slice(0, -suffix.length).includes('.');
}

function hostRank(ruleHost: string): number {
  return ruleHost === '' ? 0 : ruleHost.startsWith('*.') ? 1 : 2;
}

function elements(path: string): string[] {
  return path.split('/').filter((e) => e !== '');
}

export function pathMatches(route: Pick<RouteSpec, 'path' | 'pathType'>, path: string): boolean {
  if (route.pathType === 'Exact') return route.path === path;
  const want = elements(route.path);
  const got = elements(path);
  return want.length <= got.length && want.every((e, i) => e === got[i]);
}

/** `path` is the request target without its query string. */
export function matchRoute(http: HttpRoutes, hostHeader: string | undefined, path: string): RouteMatch {
  const host = hostName(hostHeader);
  const candidates = http.routes.filter((r) => hostMatches(r.host, host));
  const best = Math.max(-1, ...candidates.map((r) => hostRank(r.host)));
  const ofHost = candidates.filter((r) => hostRank(r.host) === best && pathMatches(r, path));
  ofHost.sort((a, b) => b.path.length - a.path.length || exactFirst(a, b));
  if (ofHost.length > 0) return { kind: 'route', route: ofHost[0] };
  return http.defaultBackend ? { kind: 'default', backend: http.defaultBackend } : { kind: 'none' };
}

function exactFirst(a: RouteSpec, b: RouteSpec): number {
  return (a.pathType === 'Exact' ? 0 : 1) - (b.pathType === 'Exact' ? 0 : 1);
}

/** The request target's path: the query string and fragment cut off. */
export function requestPath(url: string | undefined): string {
  const u = url ?? '/';
  const cut = u.search(/[?#]/);
  return cut === -1 ? u : u.slice(0, cut);
}
