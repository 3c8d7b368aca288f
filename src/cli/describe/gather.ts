/**
 * Reading what `berth describe` shows: the pods on the engine (labels, inspect), their probes
 * run once, the engine's kept events, the journal, the terminating ledger, and for a Service
 * the rows `berth get endpoints` shows.
 */
import { Journal } from '../../audit';
import { runProbe } from '../../health';
import { observe } from '../../observe';
import type { ObservedPod } from '../../observe';
import { networkName } from '../../plan';
import { ownProbes } from '../../rollout';
import { splitTerminating, TerminationLedger, type TerminationRecord } from '../../rollout';
import { LABEL, type ContainerSummary, type Labels, type Runtime } from '../../runtime';
import { BerthError } from '../../util';
import type { EngineOptions } from '../options';
import { gather } from '../get/gather';
import { podConditions, workloadConditions } from './conditions';
import { engineEvent, inspectEvents, journalEvents, podEvents, readyEvents, sortEvents } from './events';
import type { ContainerInfo, DescribeEvent, DescribeKind, Described, PodInfo } from './types';
import { compareText } from '../../util';

export interface DescribeRequest {
  kind: DescribeKind;
  namespace: string;
  name: string;
}

/** What a running operator knows beyond the engine: since when a pod has been ready (its probe loop). */
export interface OperatorKnowledge {
  readySince(namespace: string, pod: string): number | undefined;
}

const WORDS: Record<DescribeKind, string> = {
  Pod: 'pods',
  Deployment: 'deployments.apps',
  StatefulSet: 'statefulsets.apps',
  DaemonSet: 'daemonsets.apps',
  Service: 'services',
};

/** Events since the epoch: as far back as the engine keeps them. */
const ALL_KEPT = 1;

export async function describe(rt: Runtime, eng: EngineOptions, req: DescribeRequest, now: number, known?: OperatorKnowledge): Promise<Described> {
  const notFound = () => new BerthError('E_NOT_FOUND', `${WORDS[req.kind]} "${req.name}" not found in namespace "${req.namespace}"`);
  if (req.kind === 'Service') return describeService(rt, eng, req, notFound);
  const ledger = await new TerminationLedger(eng.stateDir, eng.instance).list();
  const observed = splitTerminating(await observe(rt, eng.instance), ledger);
  const mine = (p: ObservedPod) => p.namespace === req.namespace && (req.kind === 'Pod' ? p.name === req.name : p.kind === req.kind && p.owner === req.name);
  const found = [...observed.pods, ...(observed.terminating ?? [])].filter(mine).sort((a, b) => compareText(a.name, b.name));
  if (found.length === 0) throw notFound();
  const pods = await Promise.all(found.map((p) => podInfo(rt, eng.instance, p, ledger)));
  const scope: Labels = {
    [LABEL.instance]: eng.instance,
    [LABEL.namespace]: req.namespace,
    ...(req.kind === 'Pod' ? { [LABEL.pod]: req.name } : { [LABEL.kind]: req.kind, [LABEL.owner]: req.name }),
  };
  const events = await allEvents(rt, eng, scope, pods, now, known);
  const conditions = req.kind === 'Pod' ? podConditions(pods[0]) : workloadConditions(pods);
  const described: Described = { kind: req.kind, namespace: req.namespace, name: req.name, pods, conditions, events };
  if (req.kind === 'Pod') described.services = await servicesOf(rt, eng, req.namespace, req.name, now);
  return described;
}

/** The Services whose endpoints a pod is in, as `berth get endpoints` lists them. */
async function servicesOf(rt: Runtime, eng: EngineOptions, namespace: string, pod: string, now: number): Promise<string[]> {
  const rows = await gather(rt, eng, 'services', namespace, now);
  return (rows.services ?? []).filter((s) => s.endpoints.includes(pod)).map((s) => s.name);
}

async function allEvents(
  rt: Runtime,
  eng: EngineOptions,
  scope: Labels,
  pods: readonly PodInfo[],
  now: number,
  known?: OperatorKnowledge,
): Promise<DescribeEvent[]> {
  const [engine, records] = await Promise.all([rt.pastEvents(scope, ALL_KEPT), new Journal(eng.stateDir).read()]);
  const revisions = new Set(pods.map((p) => p.revision));
  const kept = engine.map(engineEvent).filter((e): e is DescribeEvent => e !== undefined);
  const fromEngine = [...kept, ...inspectEvents(pods, kept)];
  const ready = known ? readyEvents(pods, (p) => known.readySince(p.namespace, p.name)) : [];
  return sortEvents([...journalEvents(records, revisions, eng.instance), ...fromEngine, ...ready, ...podEvents(pods, now)]);
}

async function podInfo(rt: Runtime, instance: string, p: ObservedPod, ledger: readonly TerminationRecord[]): Promise<PodInfo> {
  const endpoint = p.infra ?? p.containers[0];
  const ip = endpoint?.networks[networkName(instance, p.namespace)] ?? '';
  const record = ledger.find((r) => r.namespace === p.namespace && r.pod === p.name && r.containerIds.includes(p.containers[0]?.id ?? ''));
  const containers = await Promise.all(p.containers.map((c) => containerInfo(rt, c, ip, !record)));
  return {
    namespace: p.namespace,
    name: p.name,
    kind: p.kind,
    owner: p.owner,
    specHash: p.specHash,
    revision: p.revision,
    ip,
    createdAt: Math.min(...[p.infra, ...p.containers].filter((c): c is ContainerSummary => !!c).map((c) => c.createdAt * 1000)),
    ...(record ? { terminating: { since: record.since, deadline: record.deadline } } : {}),
    containers,
  };
}

/** Inspect, and the probes run once when the container runs (not for a pod being removed). */
async function containerInfo(rt: Runtime, c: ContainerSummary, ip: string, probe: boolean): Promise<ContainerInfo> {
  const d = await rt.inspectContainer(c.id);
  const probes = ownProbes(c);
  const info: ContainerInfo = {
    name: c.labels[LABEL.container] ?? c.name,
    id: c.id,
    image: c.image,
    state: d.state,
    createdAt: c.createdAt * 1000,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    exitCode: d.exitCode,
    oomKilled: d.oomKilled,
    error: d.error,
    restartCount: d.restartCount,
    ports: probes?.ports ?? [],
    ...(probes?.readinessProbe ? { readinessProbe: probes.readinessProbe } : {}),
    ...(probes?.livenessProbe ? { livenessProbe: probes.livenessProbe } : {}),
  };
  if (probe && d.state === 'running') {
    const target = { containerId: c.id, ip, ports: info.ports };
    if (info.readinessProbe) info.readinessNow = await runProbe(rt, info.readinessProbe, target);
    if (info.livenessProbe) info.livenessNow = await runProbe(rt, info.livenessProbe, target);
  }
  return info;
}

async function describeService(rt: Runtime, eng: EngineOptions, req: DescribeRequest, notFound: () => BerthError): Promise<Described> {
  const rows = await gather(rt, eng, 'endpoints', req.namespace, Date.now());
  const row = rows.services?.find((s) => s.name === req.name);
  const listeners = (rows.listeners ?? []).filter((l) => l.service.startsWith(`${req.namespace}/${req.name}:`));
  if (!row && listeners.length === 0) throw notFound();
  const engine = await rt.pastEvents(
    { [LABEL.instance]: eng.instance, [LABEL.namespace]: req.namespace, [LABEL.kind]: 'Service', [LABEL.owner]: req.name },
    ALL_KEPT,
  );
  const events = sortEvents(engine.map(engineEvent).filter((e): e is DescribeEvent => e !== undefined));
  return { kind: 'Service', namespace: req.namespace, name: req.name, pods: [], conditions: [], events, endpoints: row?.endpoints ?? [], listeners };
}
