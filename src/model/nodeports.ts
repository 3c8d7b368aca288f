/**
 * nodePorts for NodePort/LoadBalancer Services that do not set one.
 *
 * Kubernetes picks a random free port; berth must pick the SAME port every time it
 * evaluates the same revision (after a restart too), and preferably the same one across
 * revisions, so a client's port does not move on every commit. So the port is derived from
 * the content: the first 8 hex digits of sha256("<namespace>/<name>/<port>/<protocol>")
 * modulo 2768, plus 30000 (Kubernetes' range 30000-32767). If that port is taken (by an
 * explicit nodePort, a LoadBalancer port, a container hostPort, or an earlier assignment;
 * any protocol) the next one up is tried, wrapping at 32767. Services are assigned in
 * namespace/name order, ports in manifest order, so the outcome is deterministic; an
 * assignment only moves when a new claim lands exactly on its port.
 */
import { createHash } from 'node:crypto';
import type { ServiceResource } from './types';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
const RANGE = NODE_PORT_MAX - NODE_PORT_MIN + 1;

export function preferredNodePort(namespace: string, name: string, port: number, protocol: string): number {
  const h = createHash('sha256').update(`${namespace}/${name}/${port}/${protocol}`).digest('hex');
  return NODE_PORT_MIN + (parseInt(h.slice(0, 8), 16) % RANGE);
}

/**
 * Fills in missing nodePorts of `services` (sorted by namespace/name) in place, avoiding
 * `taken`. Returns the ports that could not be assigned because the range is full.
 */
export function assignNodePorts(services: readonly ServiceResource[], taken: ReadonlySet<number>): { service: ServiceResource; index: number }[] {
  const used = new Set(taken);
  const failed: { service: ServiceResource; index: number }[] = [];
  for (const svc of services) {
    if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') continue;
    svc.ports.forEach((p, index) => {
      if (p.nodePort) return;
      const start = preferredNodePort(svc.meta.namespace, svc.meta.name, p.port, p.protocol) - NODE_PORT_MIN;
      for (let i = 0; i < RANGE; i++) {
        const candidate = NODE_PORT_MIN + ((start + i) % RANGE);
        if (used.has(candidate)) continue;
        p.nodePort = candidate;
        used.add(candidate);
        return;
      }
      failed.push({ service: svc, index });
    });
  }
  return failed;
}
