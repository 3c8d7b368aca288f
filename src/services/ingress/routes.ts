/**
 * Pure: the Ingress listeners of the instance's host proxy, from the desired state and the
 * pods as last seen (like serviceEndpoints). Every Ingress of berth's class (`berth`, or no
 * class) contributes its rules; a rule's backend is a Service port of the Ingress's
 * namespace and its ready endpoints. One HTTP listener, and an HTTPS one when some Ingress
 * has TLS; the certificates become files (content-addressed, written by the publisher).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { DesiredState, IngressBackend, IngressResource, ServiceResource } from '../../model';
import { endpointKey, portEndpoints, selectedPods, type EndpointSpec, type ListenerSpec, type PodEndpointInput } from '..';
import type { BackendSpec, HttpRoutes, RouteSpec, TlsSpec } from '..';

/** The one class berth serves (an Ingress without ingressClassName is berth's too). */
export { BERTH_CLASS as BERTH_INGRESS_CLASS } from '../../model/checks/ingress';
import { BERTH_CLASS } from '../../model';

export interface IngressListenerOptions {
  /** Host address of the listeners (default 0.0.0.0). */
  address?: string;
  httpPort: number;
  httpsPort: number;
  /** Where the certificate and key files are (the proxy's directory, `tls/`). */
  tlsDir: string;
}

/** A file the proxy reads: a certificate or a key (PEM). */
export interface TlsFile {
  path: string;
  data: string;
  secret: boolean;
}

export interface IngressTable {
  listeners: ListenerSpec[];
  warnings: string[];
  files: TlsFile[];
}

/** The Ingresses berth serves: class `berth` or none. */
export function servedIngresses(desired: DesiredState): IngressResource[] {
  return desired.ingresses.filter((i) => i.ingressClassName === undefined || i.ingressClassName === BERTH_CLASS);
}

const id = (r: { meta: { namespace: string; name: string } }) => `${r.meta.namespace}/${r.meta.name}`;

export function ingressListeners(desired: DesiredState, pods: readonly PodEndpointInput[], opts: IngressListenerOptions): IngressTable {
  const out: IngressTable = { listeners: [], warnings: [], files: [] };
  const served = servedIngresses(desired);
  if (served.length === 0) return out;
  const http: HttpRoutes = { routes: [] };
  const seen = new Map<string, string>();
  for (const ing of served) {
    for (const rule of ing.rules) {
      for (const p of rule.paths) {
        const pathType = p.pathType === 'Exact' ? 'Exact' : 'Prefix';
        const key = `${rule.host}|${p.path}|${pathType}`;
        const first = seen.get(key);
        if (first) {
          out.warnings.push(`Ingress ${id(ing)}: host "${rule.host || '*'}" path ${p.path} (${pathType}) is already routed by Ingress ${first}; ${first} wins`);
          continue;
        }
        seen.set(key, id(ing));
        const route: RouteSpec = { host: rule.host.toLowerCase(), path: p.path, pathType, ...backendOf(desired, ing, p.backend, pods, out.warnings) };
        http.routes.push(route);
      }
    }
    if (ing.defaultBackend) {
      if (http.defaultBackend) out.warnings.push(`Ingress ${id(ing)}: defaultBackend ignored, Ingress ${http.defaultBackend.ingress} already sets one`);
      else http.defaultBackend = backendOf(desired, ing, ing.defaultBackend, pods, out.warnings);
    }
  }
  const address = opts.address ?? '0.0.0.0';
  const endpoints = allEndpoints(http);
  const base = { protocol: 'TCP' as const, address, service: 'ingress', source: 'ingress' as const, endpoints };
  out.listeners.push({ ...base, port: opts.httpPort, servicePort: opts.httpPort, http });
  const tls = served.flatMap((ing) => tlsOf(desired, ing, opts.tlsDir, out));
  if (tls.length > 0) out.listeners.push({ ...base, port: opts.httpsPort, servicePort: opts.httpsPort, http: { ...http, tls } });
  return out;
}

function backendOf(desired: DesiredState, ing: IngressResource, b: IngressBackend, pods: readonly PodEndpointInput[], warnings: string[]): BackendSpec {
  const ns = ing.meta.namespace;
  const base: BackendSpec = { ingress: id(ing), service: `${ns}/${b.service}`, servicePort: b.port, endpoints: [] };
  const svc = desired.services.find((s) => s.meta.namespace === ns && s.meta.name === b.service);
  const what = `Ingress ${id(ing)}: backend Service ${ns}/${b.service} port ${b.port}`;
  if (!svc) {
    warnings.push(`${what}: no such Service; requests answer 503`);
    return base;
  }
  const port = servicePort(svc, b.port);
  if (!port) {
    warnings.push(`${what}: the Service has no such TCP port; requests answer 503`);
    return base;
  }
  return { ...base, endpoints: portEndpoints(svc, port, selectedPods(svc, pods), warnings) };
}

function servicePort(svc: ServiceResource, port: number | string): ServiceResource['ports'][number] | undefined {
  return svc.ports.find((p) => p.protocol === 'TCP' && (typeof port === 'number' ? p.port === port : p.name === port));
}

function allEndpoints(http: HttpRoutes): EndpointSpec[] {
  const byKey = new Map<string, EndpointSpec>();
  for (const b of [...http.routes, ...(http.defaultBackend ? [http.defaultBackend] : [])]) for (const e of b.endpoints) byKey.set(endpointKey(e), { ...e });
  return [...byKey.values()];
}

/** The certificates of one Ingress, from `kubernetes.io/tls` Secrets of its namespace. */
function tlsOf(desired: DesiredState, ing: IngressResource, dir: string, out: IngressTable): TlsSpec[] {
  const specs: TlsSpec[] = [];
  for (const t of ing.tls) {
    const secret = desired.secrets.find((s) => s.meta.namespace === ing.meta.namespace && s.meta.name === t.secretName);
    const crt = secret?.data['tls.crt'];
    const key = secret?.data['tls.key'];
    if (!secret || crt === undefined || key === undefined) {
      out.warnings.push(
        `Ingress ${id(ing)}: TLS Secret ${ing.meta.namespace}/${t.secretName} is missing or lacks tls.crt/tls.key; its hosts get no certificate`,
      );
      continue;
    }
    const name = createHash('sha256').update(`${crt}\0${key}`).digest('hex').slice(0, 24);
    const certFile = path.join(dir, `${name}.crt`);
    const keyFile = path.join(dir, `${name}.key`);
    if (!out.files.some((f) => f.path === certFile)) {
      out.files.push({ path: certFile, data: Buffer.from(crt, 'base64').toString('utf8'), secret: false });
      out.files.push({ path: keyFile, data: Buffer.from(key, 'base64').toString('utf8'), secret: true });
    }
    specs.push({ hosts: t.hosts.map((h) => h.toLowerCase()), certFile, keyFile });
  }
  return specs;
}
