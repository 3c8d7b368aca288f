/**
 * Ingress rules. An Ingress of another class is left to its controller (a warning: berth does
 * not serve it). For berth's: a TLS Secret must exist and be a `kubernetes.io/tls` Secret
 * with tls.crt and tls.key (nothing could be served otherwise); a backend Service or port
 * that does not exist is a warning, as Kubernetes accepts it (requests answer 503).
 * Controller-specific annotations (nginx.ingress.kubernetes.io/...) are not interpreted.
 */
import type { PathSegment } from '../../manifests';
import type { Problem } from '../../util';
import { problemAt, type Located, type ModelIndex, type Rule } from '../located';
import type { IngressBackend, IngressResource } from '../types';

export const BERTH_CLASS = 'berth';

function backendProblems(m: ModelIndex, e: Located<IngressResource>, b: IngressBackend, path: PathSegment[]): Problem[] {
  const ns = e.resource.meta.namespace;
  const svc = m.find('Service', ns, b.service)?.resource;
  if (!svc)
    return [
      problemAt(
        e.doc,
        [...path, 'service', 'name'],
        'warning',
        'ref.service',
        `Service "${b.service}" does not exist in namespace "${ns}"; requests to it answer 503`,
      ),
    ];
  const known = svc.ports.some((p) => p.protocol === 'TCP' && (typeof b.port === 'number' ? p.port === b.port : p.name === b.port));
  if (known) return [];
  const ports = svc.ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') || 'none';
  return [
    problemAt(
      e.doc,
      [...path, 'service', 'port'],
      'warning',
      'ref.service-port',
      `Service "${b.service}" has no TCP port ${JSON.stringify(b.port)} (ports: ${ports}); requests to it answer 503`,
    ),
  ];
}

function tlsProblems(m: ModelIndex, e: Located<IngressResource>): Problem[] {
  const ns = e.resource.meta.namespace;
  return e.resource.tls.flatMap((t, i): Problem[] => {
    const path = ['spec', 'tls', i, 'secretName'];
    if (!t.secretName) return [problemAt(e.doc, ['spec', 'tls', i], 'error', 'ingress.tls', 'secretName is required: berth has no default certificate')];
    const s = m.find('Secret', ns, t.secretName)?.resource;
    if (!s) return [problemAt(e.doc, path, 'error', 'ref.secret', `Secret "${t.secretName}" does not exist in namespace "${ns}"`)];
    const missing = ['tls.crt', 'tls.key'].filter((k) => s.data[k] === undefined);
    if (s.type !== 'kubernetes.io/tls' || missing.length > 0) {
      const why = s.type !== 'kubernetes.io/tls' ? `is of type "${s.type}"` : `lacks ${missing.join(' and ')}`;
      return [
        problemAt(e.doc, path, 'error', 'ingress.tls', `Secret "${t.secretName}" ${why}: a TLS Secret has type kubernetes.io/tls with tls.crt and tls.key`),
      ];
    }
    return [];
  });
}

function ingressProblems(m: ModelIndex, e: Located<IngressResource>): Problem[] {
  const ing = e.resource;
  if (ing.ingressClassName !== undefined && ing.ingressClassName !== BERTH_CLASS) {
    return [
      problemAt(
        e.doc,
        ['spec', 'ingressClassName'],
        'warning',
        'ingress.class',
        `ingressClassName "${ing.ingressClassName}" is not berth's ("${BERTH_CLASS}"): this Ingress is ignored`,
      ),
    ];
  }
  const out = tlsProblems(m, e);
  if (ing.defaultBackend) out.push(...backendProblems(m, e, ing.defaultBackend, ['spec', 'defaultBackend']));
  ing.rules.forEach((r, i) => r.paths.forEach((p, j) => out.push(...backendProblems(m, e, p.backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend']))));
  const foreign = Object.keys(ing.meta.annotations).filter((k) => /ingress\.kubernetes\.io\//.test(k));
  if (foreign.length > 0)
    out.push(
      problemAt(
        e.doc,
        ['metadata', 'annotations'],
        'warning',
        'ingress.annotations',
        `annotations ${foreign.join(', ')} belong to another Ingress controller and are ignored`,
      ),
    );
  return out;
}

export const ingressRules: Rule = (m) => m.entries.flatMap((e) => (e.resource.kind === 'Ingress' ? ingressProblems(m, e as Located<IngressResource>) : []));
