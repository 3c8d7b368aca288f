/**
 * Service discovery through Docker's embedded DNS: the pod's network-owning container (the
 * infra container, or the only container) carries network aliases:
 * - its own pod name;
 * - for each Service of its namespace whose selector matches the pod's labels:
 *   `<svc>` and `<svc>.<ns>.svc.cluster.local` (only headless ones when Services have
 *   anchors, see anchors.ts: then a ClusterIP name is the anchor's);
 * - with a subdomain (StatefulSet pods: the serviceName): `<hostname>.<subdomain>` and
 *   `<hostname>.<subdomain>.<ns>.svc.cluster.local`.
 * Aliases are not part of the spec hash: a Service change re-aliases running pods
 * (`set-aliases`) instead of recreating them.
 */
import { mapSelects } from '../model';
import type { ServiceResource } from '../model';
import type { DesiredPod } from './types';
import { isAnchored } from './anchors';

export const CLUSTER_DOMAIN = 'svc.cluster.local';

export function podAliases(pod: DesiredPod, services: readonly ServiceResource[], anchored = false): string[] {
  if (pod.serviceAnchor) return [pod.serviceAnchor, `${pod.serviceAnchor}.${pod.namespace}.${CLUSTER_DOMAIN}`];
  const aliases = new Set<string>([pod.name]);
  for (const svc of services) {
    if (svc.meta.namespace !== pod.namespace || svc.type === 'ExternalName') continue;
    if (anchored && isAnchored(svc)) continue; // the name lives on the Service's anchor
    if (!mapSelects(svc.selector, pod.labels)) continue;
    aliases.add(svc.meta.name);
    aliases.add(`${svc.meta.name}.${pod.namespace}.${CLUSTER_DOMAIN}`);
  }
  if (pod.subdomain) {
    aliases.add(`${pod.hostname}.${pod.subdomain}`);
    aliases.add(`${pod.hostname}.${pod.subdomain}.${pod.namespace}.${CLUSTER_DOMAIN}`);
  }
  return [...aliases].sort();
}

/** What aliases cannot express yet, one warning per Service. */
export function serviceWarnings(services: readonly ServiceResource[], pods: readonly DesiredPod[], anchored = false): string[] {
  const out: string[] = [];
  for (const svc of services) {
    const id = `Service ${svc.meta.namespace}/${svc.meta.name}`;
    if (svc.type === 'ExternalName') {
      out.push(`${id}: type ExternalName (-> ${svc.externalName ?? '?'}) is not implemented yet; the name does not resolve`);
      continue;
    }
    if (svc.clusterIP === 'None') continue; // headless: clients reach pods on their own ports
    if (anchored) continue; // the anchor's proxy forwards port -> targetPort
    const selected = pods.filter((p) => p.namespace === svc.meta.namespace && mapSelects(svc.selector, p.labels));
    for (const port of svc.ports) {
      const target = resolveTargetPort(port.targetPort, selected);
      if (target === undefined) {
        out.push(`${id}: targetPort "${port.targetPort}" names no container port of the selected pods`);
      } else if (target !== port.port) {
        const host = port.nodePort !== undefined ? ` (its nodePort ${port.nodePort} forwards to ${target})` : '';
        out.push(`${id}: port ${port.port} -> targetPort ${target} is not forwarded inside the namespace: clients of the name must use port ${target}${host}`);
      }
    }
  }
  return out;
}

function resolveTargetPort(target: number | string, pods: readonly DesiredPod[]): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const p of pods) {
    for (const c of p.spec.containers) {
      const port = c.ports.find((x) => x.name === target);
      if (port) return port.containerPort;
    }
  }
  return undefined;
}
