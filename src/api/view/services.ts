/**
 * Services -> endpoints and ConfigMaps/Secrets -> the pods that use them, for the
 * application view (pure). Endpoints are every pod a Service selects: ready, not ready or
 * terminating (Kubernetes' EndpointSlice conditions), with the open connections the proxy
 * acknowledged when it carries the Service. Secrets: key names only.
 */
import type { DesiredState, ServiceResource } from '../../model';
import { mapSelects } from '../../model';
import { podInputs } from '../../services';
import type { ProxyStatus } from '../../services';
import type { ConfigNode, EndpointNode, ServiceNode, WorkloadNode } from './types';
import type { Look } from './build';

export function serviceNodes(instance: string, look: Look, proxy: ProxyStatus | undefined): ServiceNode[] {
  const live = podInputs(instance, look.desired, look.observed.pods, look.views);
  const going = podInputs(instance, look.desired, look.observed.terminating ?? [], []).map((p) => ({ ...p, terminating: true }));
  const pods = [...live, ...going];
  return look.desired.services.map((svc) => {
    const connections = connectionsOf(svc, proxy);
    const endpoints: EndpointNode[] =
      svc.type === 'ExternalName'
        ? []
        : pods
            .filter((p) => p.namespace === svc.meta.namespace && Object.keys(svc.selector).length > 0 && mapSelects(svc.selector, p.labels))
            .map((p) => ({
              pod: p.name,
              ip: p.ip,
              state: p.terminating ? 'terminating' : p.ready ? 'ready' : 'not-ready',
              ...(connections.has(p.ip) ? { connections: connections.get(p.ip)! } : {}),
            }));
    return { namespace: svc.meta.namespace, name: svc.meta.name, type: svc.type, ports: svc.ports.map(portText), endpoints, ...serviceState(svc, endpoints) };
  });
}

function portText(p: ServiceResource['ports'][number]): string {
  return `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}->${p.targetPort}/${p.protocol}`;
}

function serviceState(svc: ServiceResource, endpoints: readonly EndpointNode[]): Pick<ServiceNode, 'health' | 'message' | 'sync' | 'syncReason'> {
  if (svc.type === 'ExternalName') return { health: 'Healthy', message: `resolves to ${svc.externalName ?? ''}`, sync: 'Synced', syncReason: '' };
  const ready = endpoints.filter((e) => e.state === 'ready').length;
  const message = `${ready} ready endpoint(s) of ${endpoints.length}`;
  // A Service with no ready endpoint refuses its traffic: Argo CD says Progressing for an LB without an address; berth says Degraded when pods exist but none is ready.
  const health = ready > 0 || endpoints.length === 0 ? (endpoints.length === 0 ? 'Missing' : 'Healthy') : 'Degraded';
  return { health, message: endpoints.length === 0 ? 'no pod matches the selector' : message, sync: 'Synced', syncReason: '' };
}

/** Pod IP -> open connections through the proxy's listeners of this Service (draining ones included). */
function connectionsOf(svc: ServiceResource, proxy: ProxyStatus | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!proxy) return out;
  const id = `${svc.meta.namespace}/${svc.meta.name}`;
  for (const l of proxy.listeners.filter((x) => x.service === id)) {
    for (const e of l.endpoints) out.set(e.ip, (out.get(e.ip) ?? 0) + e.connections);
  }
  for (const d of proxy.draining) {
    const ip = d.endpoint.slice(0, d.endpoint.lastIndexOf(':'));
    if (out.has(ip)) out.set(ip, out.get(ip)! + d.connections);
  }
  return out;
}

export function configNodes(desired: DesiredState, workloads: readonly WorkloadNode[]): ConfigNode[] {
  const node = (kind: 'ConfigMap' | 'Secret', namespace: string, name: string, keys: string[]): ConfigNode => {
    const users = workloads.filter((w) => w.namespace === namespace && w.uses.includes(`${kind}/${name}`));
    const usedBy = users.flatMap((w) => w.templates.filter((t) => t.current).flatMap((t) => t.pods.map((p) => p.name)));
    return {
      kind,
      namespace,
      name,
      keys: keys.sort(),
      usedBy,
      health: 'Healthy',
      message: users.length ? `used by ${users.map((w) => `${w.kind} ${w.name}`).join(', ')}` : 'used by no workload',
      sync: 'Synced',
      syncReason: '',
    };
  };
  return [
    ...desired.configMaps.map((c) => node('ConfigMap', c.meta.namespace, c.meta.name, [...Object.keys(c.data), ...Object.keys(c.binaryData)])),
    ...desired.secrets.map((s) => node('Secret', s.meta.namespace, s.meta.name, Object.keys(s.data))),
  ];
}
