/**
 * What `berth get` reads: the engine (observe: labels alone), the terminating ledger of the
 * state directory (rollout/terminating.ts) and the Service proxies' own acknowledgements.
 */
import { observe } from '../../observe';
import type { ObservedPod } from '../../observe/types';
import { endpointRows, ProxySupervisor, type EndpointRow } from '../../proxy';
import { splitTerminating, TerminationLedger } from '../../rollout/terminating';
import type { Runtime } from '../../runtime/types';
import { anchorProxyName, anchorProxyNames } from '../../traffic/anchors';
import type { EngineOptions } from '../options';
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
  if (what === 'services' || what === 'endpoints' || what === 'all') s.services = [...serviceRows(pods), ...(await anchoredServiceRows(eng, pods))].sort(byName);
  if (what === 'endpoints' || what === 'all') s.listeners = await listenerRows(eng, namespace);
  return s;
}

/** Listeners of the host proxy (NodePort/LoadBalancer) and of ClusterIP anchors, from the proxies' own acknowledgements. */
async function listenerRows(eng: EngineOptions, namespace?: string): Promise<EndpointRow[]> {
  const rows: EndpointRow[] = [];
  for (const name of [eng.instance, ...anchorProxyNames(eng.stateDir, eng.instance)]) {
    const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: name }).status();
    const where = name === eng.instance ? '' : ' (in the anchor)';
    for (const r of endpointRows(status)) rows.push({ ...r, listen: r.listen + where, state: status.running ? r.state : 'proxy not running' });
  }
  return rows.filter((r) => !namespace || r.service.startsWith(`${namespace}/`));
}

/** A ClusterIP Service with an anchor: its ready endpoints are what the anchor's proxy forwards to. */
async function anchoredServiceRows(eng: EngineOptions, pods: readonly ObservedPod[]): Promise<ServiceRow[]> {
  const rows: ServiceRow[] = [];
  for (const a of pods.filter((p) => p.kind === 'Service')) {
    const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: anchorProxyName(eng.instance, a.namespace, a.owner) }).status();
    const endpoints = [...new Set(status.listeners.flatMap((l) => l.endpoints.map((e) => e.pod.split('/')[1])))];
    rows.push({ namespace: a.namespace, name: a.owner, endpoints: status.running ? endpoints : [] });
  }
  return rows;
}
