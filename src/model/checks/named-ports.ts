/**
 * Ports given by NAME must resolve: a probe's named port is a port of its own container; a
 * Service's named targetPort is a container port of at least one workload its selector
 * matches. A Service whose selector matches no workload gets a warning (no endpoints).
 */
import type { Problem } from '../../util';
import { containersOf, describe, problemAt, type Located, type ModelIndex, type PodSite, type Rule } from '../located';
import { mapSelects } from '../selector';
import type { Container, ServiceResource } from '../types';

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

function portNames(c: Container): string[] {
  return c.ports.flatMap((p) => (p.name ? [p.name] : []));
}

function probePorts(site: PodSite): Problem[] {
  const out: Problem[] = [];
  for (const { container, path } of containersOf(site)) {
    for (const field of PROBES) {
      const h = container[field]?.handler;
      if (!h || h.type === 'exec' || typeof h.port !== 'string') continue;
      if (portNames(container).includes(h.port)) continue;
      const names = portNames(container).join(', ') || 'none';
      out.push(
        problemAt(
          site.doc,
          [...path, field, h.type, 'port'],
          'error',
          'port.name',
          `${field} port "${h.port}" is not a named port of container "${container.name}" (named ports: ${names})`,
        ),
      );
    }
  }
  return out;
}

function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The pod sites (workloads) of the service's namespace whose pod labels its selector matches. */
export function selectedSites(m: ModelIndex, svc: ServiceResource): PodSite[] {
  return m.pods.filter((s) => s.namespace === svc.meta.namespace && mapSelects(svc.selector, s.labels));
}

function servicePorts(m: ModelIndex, e: Located<ServiceResource>): Problem[] {
  const svc = e.resource;
  if (svc.type === 'ExternalName') return [];
  if (Object.keys(svc.selector).length === 0) {
    return [problemAt(e.doc, ['spec', 'selector'], 'warning', 'service.no-selector', `${describe(svc)} has no selector, so it has no endpoints`)];
  }
  const sites = selectedSites(m, svc);
  if (sites.length === 0) {
    const where = `namespace "${svc.meta.namespace}"`;
    return [
      problemAt(
        e.doc,
        ['spec', 'selector'],
        'warning',
        'service.no-workload',
        `selector ${selectorText(svc.selector)} matches no Pod, Deployment or StatefulSet in ${where}`,
      ),
    ];
  }
  const out: Problem[] = [];
  svc.ports.forEach((port, i) => {
    if (typeof port.targetPort !== 'string') return;
    const name = port.targetPort;
    const has = (s: PodSite) => s.spec.containers.some((c) => portNames(c).includes(name));
    if (sites.some(has)) return;
    const offered = sites.map((s) => `${describe(s.owner)}: ${s.spec.containers.flatMap(portNames).join(', ') || 'none'}`).join('; ');
    out.push(
      problemAt(
        e.doc,
        ['spec', 'ports', i, 'targetPort'],
        'error',
        'port.name',
        `targetPort "${name}" is not a named container port of any workload selected by ${selectorText(svc.selector)} (${offered})`,
      ),
    );
  });
  return out;
}

export const namedPortsResolve: Rule = (m) => [
  ...m.pods.flatMap(probePorts),
  ...m.entries.flatMap((e) => (e.resource.kind === 'Service' ? servicePorts(m, e as Located<ServiceResource>) : [])),
];
