/**
 * Ports on the host are one shared space: a Service's nodePort, a LoadBalancer Service's
 * port, a container's hostPort (and every port of a hostNetwork pod) each bind the host.
 * Two claims on the same port/protocol clash (unless they bind different host IPs), and so
 * do the replicas of one workload that claims a host port.
 */
import type { ManifestDoc, PathSegment } from '../../manifests';
import type { Problem } from '../../util';
import { containersOf, describe, problemAt, type Located, type ModelIndex, type PodSite, type Rule } from '../located';
import type { DeploymentResource, ServiceResource } from '../types';

export interface HostClaim {
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** '' when bound on every address. */
  ip: string;
  owner: string;
  doc: ManifestDoc;
  path: PathSegment[];
}

function serviceClaims(e: Located<ServiceResource>): HostClaim[] {
  const svc = e.resource;
  const owner = describe(svc);
  const out: HostClaim[] = [];
  svc.ports.forEach((p, i) => {
    if (svc.type === 'NodePort' || svc.type === 'LoadBalancer') {
      if (p.nodePort) out.push({ port: p.nodePort, protocol: p.protocol, ip: '', owner, doc: e.doc, path: ['spec', 'ports', i, 'nodePort'] });
    }
    if (svc.type === 'LoadBalancer') out.push({ port: p.port, protocol: p.protocol, ip: '', owner, doc: e.doc, path: ['spec', 'ports', i, 'port'] });
  });
  return out;
}

function podClaims(site: PodSite): HostClaim[] {
  const owner = describe(site.owner);
  return containersOf(site).flatMap(({ container, path }) =>
    container.ports.flatMap((p, k): HostClaim[] => {
      const port = p.hostPort ?? (site.spec.hostNetwork ? p.containerPort : undefined);
      if (!port) return [];
      const field = p.hostPort ? 'hostPort' : 'containerPort';
      return [{ port, protocol: p.protocol, ip: p.hostIP && p.hostIP !== '0.0.0.0' ? p.hostIP : '', owner, doc: site.doc, path: [...path, 'ports', k, field] }];
    }),
  );
}

/** Every host port claim of the set, in document order. */
export function hostClaims(m: ModelIndex): HostClaim[] {
  const out: HostClaim[] = [];
  for (const e of m.entries) {
    if (e.resource.kind === 'Service') out.push(...serviceClaims(e as Located<ServiceResource>));
  }
  for (const site of m.pods) out.push(...podClaims(site));
  return out;
}

function overlaps(a: HostClaim, b: HostClaim): boolean {
  return a.port === b.port && a.protocol === b.protocol && (a.ip === '' || b.ip === '' || a.ip === b.ip);
}

function where(c: HostClaim): string {
  return `${c.doc.file}:${c.doc.locate(c.path, 'value').line}`;
}

export const hostPortsDistinct: Rule = (m) => {
  const claims = hostClaims(m);
  const out: Problem[] = [];
  claims.forEach((c, i) => {
    const first = claims.slice(0, i).find((earlier) => overlaps(earlier, c));
    if (!first) return;
    const by = first.owner === c.owner ? `another port of ${c.owner}` : `${first.owner}`;
    out.push(problemAt(c.doc, c.path, 'error', 'port.clash', `host port ${c.port}/${c.protocol} is already claimed by ${by} (${where(first)})`));
  });
  return out;
};

function surges(d: DeploymentResource): boolean {
  return d.strategy.type === 'RollingUpdate' && d.strategy.maxSurge !== 0 && d.strategy.maxSurge !== '0%';
}

/** A workload claiming a host port can run one pod at a time on one host. */
export const hostPortsPerReplica: Rule = (m) =>
  m.pods.flatMap((site) =>
    podClaims(site).flatMap((c): Problem[] => {
      const what = `host port ${c.port}/${c.protocol}`;
      if (site.replicas > 1) {
        return [
          problemAt(
            c.doc,
            c.path,
            'error',
            'port.clash',
            `${what} cannot be bound by ${site.replicas} replicas of ${c.owner} on one host (use replicas: 1, or a NodePort/LoadBalancer Service)`,
          ),
        ];
      }
      if (site.owner.kind === 'Deployment' && surges(site.owner)) {
        return [
          problemAt(
            c.doc,
            c.path,
            'warning',
            'port.surge',
            `${what}: a rolling update starts the new pod while the old one still holds the port (use strategy Recreate, or maxSurge: 0)`,
          ),
        ];
      }
      return [];
    }),
  );
