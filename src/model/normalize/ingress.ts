/**
 * Ingress (networking.k8s.io/v1) and IngressClass with Kubernetes' shapes. A path without
 * a path is `/`; the pathType is required by the schema, as in networking/v1.
 */
import type { DocProblems } from '../located';
import { arr, num, obj, str, strList } from '../reader';
import type { IngressBackend, IngressClassResource, IngressPath, IngressResource, IngressRule } from '../types';
import { normalizeMeta } from './meta';

const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'] as const;

export function normalizeBackend(raw: unknown): IngressBackend | undefined {
  const svc = obj(obj(raw).service);
  const name = str(svc.name);
  if (!name) return undefined;
  const port = obj(svc.port);
  return { service: name, port: num(port.number) ?? str(port.name) ?? 0 };
}

function normalizePath(raw: unknown): IngressPath | undefined {
  const p = obj(raw);
  const backend = normalizeBackend(p.backend);
  if (!backend) return undefined;
  return { path: str(p.path) || '/', pathType: PATH_TYPES.find((t) => t === p.pathType) ?? 'Prefix', backend };
}

function normalizeRule(raw: unknown): IngressRule {
  const r = obj(raw);
  const paths = arr(obj(r.http).paths)
    .map(normalizePath)
    .filter((x): x is IngressPath => x !== undefined);
  return { host: str(r.host) ?? '', paths };
}

export function normalizeIngress(p: DocProblems): IngressResource {
  const spec = obj(p.doc.body.spec);
  const out: IngressResource = {
    kind: 'Ingress',
    meta: normalizeMeta(p.doc, 'Ingress'),
    rules: arr(spec.rules).map(normalizeRule),
    tls: arr(spec.tls).map((t) => ({ hosts: strList(obj(t).hosts), secretName: str(obj(t).secretName) ?? '' })),
  };
  const cls = str(spec.ingressClassName);
  if (cls) out.ingressClassName = cls;
  const def = normalizeBackend(spec.defaultBackend);
  if (def) out.defaultBackend = def;
  return out;
}

export function normalizeIngressClass(p: DocProblems): IngressClassResource {
  return { kind: 'IngressClass', meta: normalizeMeta(p.doc, 'IngressClass'), controller: str(obj(p.doc.body.spec).controller) ?? '' };
}
