/**
 * Pure: which host listeners the Services of a desired state need, and the ready endpoints
 * of each. A NodePort or LoadBalancer Service port gets a listener on its nodePort; a
 * LoadBalancer port also gets one on `port` (at the LB address). Endpoints are the pods
 * of the Service's namespace whose labels match its selector, that are ready and not
 * terminating, at the port `targetPort` names (a number, or a container port name looked up
 * on each pod, as Kubernetes does, so pods of two revisions may use different numbers).
 */
import { mapSelects } from '../model';
import type { DesiredState, ServicePort, ServiceResource } from '../model';
import { listenerKey, type EndpointSpec, type EndpointTable, type ListenerSpec, type Protocol } from './proxy/types';
import { compareText } from '../util';

/** What the proxy needs to know of a pod. */
export interface PodEndpointInput {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** The pod's IP on its namespace network ('' when it has none yet). */
  ip: string;
  ready: boolean;
  terminating: boolean;
  /** The pod's container ports: needed only for Services whose targetPort is a name. */
  ports?: { name?: string; containerPort: number; protocol: Protocol }[];
}

export interface ServiceEndpointsOptions {
  /** Address of nodePort listeners (default 0.0.0.0). */
  nodeAddress?: string;
  /** Address of LoadBalancer `port` listeners (`--lb-address`, default 0.0.0.0). */
  lbAddress?: string;
}

export function serviceEndpoints(desired: DesiredState, pods: readonly PodEndpointInput[], opts: ServiceEndpointsOptions = {}): EndpointTable {
  const nodeAddress = opts.nodeAddress ?? '0.0.0.0';
  const lbAddress = opts.lbAddress ?? '0.0.0.0';
  const table: EndpointTable = { listeners: [], warnings: [] };
  const taken = new Map<string, string>();
  const sortedPods = [...pods].sort((a, b) => compareText(a.namespace + '/' + a.name, b.namespace + '/' + b.name));
  for (const svc of desired.services) {
    if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') continue;
    const selected = sortedPods.filter((p) => p.namespace === svc.meta.namespace && mapSelects(svc.selector, p.labels));
    for (const port of svc.ports) {
      const endpoints = portEndpoints(svc, port, selected, table.warnings);
      const wanted: ListenerSpec[] = [];
      if (port.nodePort === undefined) table.warnings.push(`${svcName(svc)} port ${port.port}: no nodePort assigned; no host listener`);
      else wanted.push(listener(svc, port, nodeAddress, port.nodePort, 'nodePort', endpoints));
      if (svc.type === 'LoadBalancer') wanted.push(listener(svc, port, lbAddress, port.port, 'loadBalancer', endpoints));
      for (const l of wanted) addListener(table, taken, l);
    }
  }
  return table;
}

/**
 * The listeners of a ClusterIP Service, bound in the network namespace `netns` of the
 * Service's anchor (src/services/anchorPlan.ts): every Service port on all addresses there,
 * forwarding to the ready pods' targetPort.
 */
export function clusterListeners(svc: ServiceResource, pods: readonly PodEndpointInput[], netns: string): EndpointTable {
  const table: EndpointTable = { listeners: [], warnings: [] };
  const selected = selectedPods(svc, pods);
  for (const port of svc.ports) {
    table.listeners.push({ ...listener(svc, port, '0.0.0.0', port.port, 'clusterIP', portEndpoints(svc, port, selected, table.warnings)), netns });
  }
  return table;
}

/** The pods of the Service's namespace its selector matches, by name. */
export function selectedPods(svc: ServiceResource, pods: readonly PodEndpointInput[]): PodEndpointInput[] {
  return [...pods].filter((p) => p.namespace === svc.meta.namespace && mapSelects(svc.selector, p.labels)).sort((a, b) => compareText(a.name, b.name));
}

function listener(
  svc: ServiceResource,
  port: ServicePort,
  address: string,
  hostPort: number,
  source: ListenerSpec['source'],
  endpoints: EndpointSpec[],
): ListenerSpec {
  return {
    protocol: port.protocol,
    address,
    port: hostPort,
    service: `${svc.meta.namespace}/${svc.meta.name}`,
    servicePort: port.port,
    source,
    endpoints: endpoints.map((e) => ({ ...e })),
  };
}

function addListener(table: EndpointTable, taken: Map<string, string>, l: ListenerSpec): void {
  const key = listenerKey(l);
  const owner = taken.get(key);
  if (owner !== undefined) {
    table.warnings.push(`Service ${l.service} port ${l.servicePort}: host ${key} is already served for Service ${owner}; listener left out`);
    return;
  }
  taken.set(key, `${l.service} port ${l.servicePort}`);
  table.listeners.push(l);
}

/** The ready, not terminating endpoints of one Service port among `pods` (already selected). */
export function portEndpoints(svc: ServiceResource, port: ServicePort, pods: readonly PodEndpointInput[], warnings: string[]): EndpointSpec[] {
  const out: EndpointSpec[] = [];
  for (const pod of pods) {
    if (!pod.ready || pod.terminating || !pod.ip) continue;
    const target = targetPortOf(port, pod);
    if (target === undefined) {
      warnings.push(
        `${svcName(svc)} port ${port.port}: pod ${pod.namespace}/${pod.name} declares no ${port.protocol} container port named "${port.targetPort}"`,
      );
      continue;
    }
    out.push({ ip: pod.ip, port: target, pod: `${pod.namespace}/${pod.name}` });
  }
  return out;
}

/** The pod's port for a Service port: targetPort itself, or the container port of that name and protocol. */
export function targetPortOf(port: ServicePort, pod: PodEndpointInput): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  if (/^\d+$/.test(port.targetPort)) return Number(port.targetPort);
  return pod.ports?.find((p) => p.name === port.targetPort && p.protocol === port.protocol)?.containerPort;
}

function svcName(svc: ServiceResource): string {
  return `Service ${svc.meta.namespace}/${svc.meta.name}`;
}
