/**
 * NodePort and LoadBalancer Services as ports the swarm publishes on the nodes (pure), when
 * berth's mesh is off (with it, mesh/render.ts publishes them on every node instead).
 *
 * berth deliberately differs from Kubernetes here: a NodePort answers on the nodes that run a
 * selected task, in `mode: host`, not on every node through a proxy. The routing mesh
 * (`mode: ingress`) would answer everywhere, but it needs IPVS in every node's kernel, which
 * berth does not assume (the test machine has none). A Deployment with as many replicas as
 * nodes, or a DaemonSet, answers on every node; the swarm places at most one task per node
 * for a host port. LoadBalancer publishes `port`, as berth's one-host listeners do.
 */
import { mapSelects, type Container, type DesiredState } from '../model';
import type { SwarmPort } from '../runtime';

export function swarmPorts(desired: DesiredState, ns: string, podLabels: Record<string, string>, c: Container): SwarmPort[] {
  const ports: SwarmPort[] = [];
  for (const s of desired.services) {
    if (s.meta.namespace !== ns || (s.type !== 'NodePort' && s.type !== 'LoadBalancer')) continue;
    if (!mapSelects(s.selector, podLabels)) continue;
    for (const p of s.ports) {
      const target = typeof p.targetPort === 'number' ? p.targetPort : c.ports.find((x) => x.name === p.targetPort)?.containerPort;
      const published = s.type === 'NodePort' ? p.nodePort : p.port;
      if (target === undefined || published === undefined) continue;
      ports.push({ Protocol: p.protocol === 'UDP' ? 'udp' : 'tcp', TargetPort: target, PublishedPort: published, PublishMode: 'host' });
    }
  }
  return ports.sort((a, b) => a.PublishedPort - b.PublishedPort);
}
