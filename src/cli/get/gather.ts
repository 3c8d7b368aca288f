/**
 * What `berth get` reads: the engine (observe: labels alone), the terminating ledger of the
 * state directory (rollout/terminating.ts), the Service proxies' own acknowledgements and
 * berth's kernel rules (--proxy-mode kernel).
 */
import { observe } from '../../observe';
import type { ObservedPod } from '../../observe';
import { endpointRows, ProxySupervisor, type EndpointRow, type ListenerStatus, type ProxyStatus } from '../../services';
import { splitTerminating, TerminationLedger } from '../../rollout';
import type { Runtime } from '../../runtime';
import type { EngineOptions } from '../options';
import { kernelStatusOf } from '../../services';
import { jobRows } from '../jobRows';
import { byName, podRow, serviceRows, workloadRows, type Sections, type ServiceRow, type What } from './rows';

export async function gather(rt: Runtime, eng: EngineOptions, what: What, namespace: string | undefined, now: number): Promise<Sections> {
  const observed = splitTerminating(await observe(rt, eng.instance), await new TerminationLedger(eng.stateDir, eng.instance).list());
  const inNamespace = <T extends ObservedPod>(p: T) => !namespace || p.namespace === namespace;
  const pods = observed.pods.filter(inNamespace);
  const terminating = (observed.terminating ?? []).filter(inNamespace);
  const s: Sections = {};
  if (what === 'pods' || what === 'all') s.pods = [...pods.map((p) => podRow(p, now)), ...terminating.map((p) => podRow(p, now, p.deadline))].sort(byName);
  if (what === 'deployments' || what === 'all') s.deployments = workloadRows(pods, 'Deployment');
  if (what === 'statefulsets' || what === 'all') s.statefulsets = workloadRows(pods, 'StatefulSet');
  if (what === 'daemonsets' || what === 'all') s.daemonsets = workloadRows(pods, 'DaemonSet');
  if (what === 'jobs' || what === 'all') s.jobs = jobRows(pods, now);
  if (what === 'services' || what === 'endpoints' || what === 'all') {
    const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: eng.instance }).status();
    // Kernel rules (--proxy-mode kernel) serve the listeners they hold.
    const kernel = (await kernelStatusOf(eng.stateDir, eng.instance))?.listeners.filter((l) => l.bound) ?? [];
    const served = [...(status.running ? status.listeners : []), ...kernel];
    s.services = withNodePorts([...serviceRows(pods), ...anchoredServiceRows(served, pods)], { listeners: [...status.listeners, ...kernel] }, namespace).sort(
      byName,
    );
  }
  if (what === 'endpoints' || what === 'all') s.listeners = await listenerRows(eng, namespace);
  return s;
}

/** Listeners of the instance's proxy (NodePort/LoadBalancer, and ClusterIP in their anchors), from its own acknowledgement. */
async function listenerRows(eng: EngineOptions, namespace?: string): Promise<EndpointRow[]> {
  const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: eng.instance }).status();
  const kernel = await kernelStatusOf(eng.stateDir, eng.instance);
  return [
    ...endpointRows(status).map((r) => ({ ...r, state: status.running ? r.state : 'proxy not running' })),
    ...(kernel ? endpointRows(kernel) : []),
  ].filter((r) => !namespace || r.service.startsWith(`${namespace}/`));
}

/** A ClusterIP Service with an anchor: its ready endpoints are what the proxy forwards to in the anchor. */
function anchoredServiceRows(served: readonly ListenerStatus[], pods: readonly ObservedPod[]): ServiceRow[] {
  return pods
    .filter((p) => p.kind === 'Service')
    .map((a) => {
      const mine = served.filter((l) => l.netns && l.service === `${a.namespace}/${a.owner}`);
      const endpoints = [...new Set(mine.flatMap((l) => l.endpoints.map((e) => e.pod.split('/')[1])))];
      return { namespace: a.namespace, name: a.owner, endpoints };
    });
}

/**
 * The host listeners (nodePort, LoadBalancer port) per Service: every NodePort/LoadBalancer
 * Service shows the port it is reachable on (allocated ones too), also before its pods run.
 */
export function withNodePorts(rows: readonly ServiceRow[], proxy: Pick<ProxyStatus, 'listeners'>, namespace?: string): ServiceRow[] {
  const ports = new Map<string, string[]>();
  for (const l of proxy.listeners) {
    if (l.source !== 'nodePort' && l.source !== 'loadBalancer') continue;
    if (namespace && !l.service.startsWith(`${namespace}/`)) continue;
    const list = ports.get(l.service) ?? [];
    if (!list.includes(`${l.port}/${l.protocol}`)) list.push(`${l.port}/${l.protocol}`);
    ports.set(l.service, list);
  }
  const out = rows.map((r) => ({ ...r, nodePorts: ports.get(`${r.namespace}/${r.name}`) ?? [] }));
  for (const [key, nodePorts] of ports) {
    const [ns, name] = key.split('/');
    if (!out.some((r) => r.namespace === ns && r.name === name)) out.push({ namespace: ns, name, endpoints: [], nodePorts });
  }
  return out;
}
