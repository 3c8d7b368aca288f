/**
 * The application view from what the operator last saw (pure): the desired state of the
 * revision being stepped, the engine's pods (live and terminating), the probes' views, the
 * health the applier computed, the rollout clock, and the proxy's connections.
 */
import type { DaemonSetResource, DesiredState, DeploymentResource, StatefulSetResource } from '../../model';
import { resourceKey } from '../../model';
import type { ObservedPod, TerminatingPod } from '../../observe';
import type { Look } from '../../rollout';
import { byWorkload, type ContainerUsage } from '../../monitor';
import type { PodView } from '../../health';
import type { ProgressState } from '../../rollout';
import { fenceposts } from '../../rollout';
import { secondsLeft } from '../../rollout';
import { referencedObjects } from '../../model';
import { scrubStrings, secretRedactor } from '../../secrets';
import type { ResourceStatus, StatusSnapshot } from '../types';
import type { AppView, ContainerNode, NodeState, PodNode, RolloutBounds, TemplateNode, WorkloadNode } from './types';
import { configNodes, serviceNodes } from './services';
import { compareText, shortSha } from '../../util';

export type { Look };

export interface ViewInputs {
  status: StatusSnapshot;
  look?: Look;
  /** The rollout clock in the state directory (absent: no rollout in progress). */
  progress?: ProgressState;
  selfHeal: { enabled: boolean; paused: boolean };
  actions: AppView['actions'];
  /** Workload key -> ISO time of the last restart asked for. */
  restarts: Record<string, string>;
  /** The last samples of the engine's stats (monitor/). */
  usage?: readonly ContainerUsage[];
  now: number;
}

export function buildAppView(i: ViewInputs): AppView {
  const s = i.status;
  const workloads = i.look ? workloadNodes(i.look, s.resources, i.progress, i.restarts, i.now) : [];
  const services = i.look ? serviceNodes(s.instance, i.look, s.services) : [];
  const configs = i.look ? configNodes(i.look.desired, workloads) : [];
  const view: AppView = {
    instance: s.instance,
    source: s.source,
    phase: s.phase,
    app: appState(s, workloads),
    ...(s.lastAttemptedRevision ? { lastAttemptedRevision: s.lastAttemptedRevision } : {}),
    ...(s.lastSyncAt ? { lastSyncAt: s.lastSyncAt } : {}),
    ...(s.lastError ? { lastError: s.lastError } : {}),
    selfHeal: i.selfHeal,
    actions: i.actions,
    workloads,
    services,
    configs,
    usage: { containers: [...(i.usage ?? [])], workloads: byWorkload(i.usage ?? []) },
    at: new Date(i.now).toISOString(),
  };
  // Belt and braces: a probe's output or an error could quote a Secret's value.
  return i.look ? scrubStrings(view, secretRedactor(i.look.desired)) : view;
}

function appState(s: StatusSnapshot, workloads: readonly WorkloadNode[]): AppView['app'] {
  const head = s.lastAttemptedRevision;
  const running = s.lastAppliedRevision;
  const worst = workloads.find((w) => w.health === 'Degraded') ?? workloads.find((w) => w.health !== 'Healthy' && w.health !== 'Suspended');
  const health = worst?.health ?? (running ? 'Healthy' : 'Missing');
  const message = worst ? `${worst.kind} ${worst.name}: ${worst.message}` : running ? `all ${workloads.length} workload(s) healthy` : 'nothing applied yet';
  const outOfSync = workloads.filter((w) => w.sync === 'OutOfSync');
  let syncReason = '';
  if (head && head.sha !== running) syncReason = `head ${shortSha(head.sha)} is ${head.status}${head.reason ? `: ${head.reason}` : ''}`;
  else if (outOfSync.length > 0) syncReason = `${outOfSync.map((w) => w.name).join(', ')} out of sync`;
  return { health, message, sync: syncReason ? 'OutOfSync' : 'Synced', syncReason, ...(head ? { head: head.sha } : {}), ...(running ? { running } : {}) };
}

type Workload = DesiredState['pods'][number] | DeploymentResource | StatefulSetResource | DaemonSetResource;

function workloadNodes(
  look: Look,
  health: readonly ResourceStatus[],
  progress: ProgressState | undefined,
  restarts: Record<string, string>,
  now: number,
): WorkloadNode[] {
  const byKey = new Map(health.map((h) => [`${h.kind}/${h.namespace}/${h.name}`, h]));
  const views = new Map(look.views.map((v) => [`${v.namespace}/${v.name}`, v]));
  const all: Workload[] = [...look.desired.deployments, ...look.desired.statefulSets, ...look.desired.daemonSets, ...look.desired.pods];
  const declared = all.map((w) => {
    const key = resourceKey(w);
    const current = w.kind === 'Pod' ? w.specHash : w.templateHash;
    const owned = (p: ObservedPod) => p.kind === w.kind && p.namespace === w.meta.namespace && p.owner === w.meta.name;
    const live = look.observed.pods.filter(owned).map((p) => podNode(p, views.get(`${p.namespace}/${p.name}`), current));
    const going = (look.observed.terminating ?? []).filter(owned).map((p) => terminatingNode(p, current, now));
    const h = byKey.get(key);
    // One host: a DaemonSet runs one pod here (plan/daemonset.ts).
    const replicas = w.kind === 'Pod' || w.kind === 'DaemonSet' ? 1 : w.replicas;
    const node: WorkloadNode = {
      kind: w.kind,
      namespace: w.meta.namespace,
      name: w.meta.name,
      health: h?.health ?? 'Unknown',
      message: h?.message ?? 'not looked at yet',
      ...workloadSync(live, current, replicas),
      ...(h?.waiting ? { waiting: h.waiting } : {}),
      ...(w.kind !== 'Pod' ? { bounds: bounds(w, key, progress, h, now) } : {}),
      ...(restarts[key] ? { restartedAt: restarts[key] } : {}),
      templates: templates([...live, ...going], current),
      uses: uses(w),
    };
    return node;
  });
  return [...declared, ...undeclared(look, new Set(all.map(resourceKey)), views, now, byKey)];
}

/**
 * Pods of workloads the revision does not declare (being pruned, or of a kind this view
 * does not know): shown under their owner so nothing that runs is hidden.
 */
function undeclared(
  look: Look,
  known: ReadonlySet<string>,
  views: ReadonlyMap<string, PodView>,
  now: number,
  health: ReadonlyMap<string, ResourceStatus>,
): WorkloadNode[] {
  // Jobs (and those CronJobs created) run pods to completion: their pods and health, no templates to roll.
  const jobs = new Set(look.desired.jobs.map(resourceKey));
  const byOwner = new Map<string, (PodNode & { hash: string })[]>();
  const add = (p: ObservedPod, node: PodNode & { hash: string }) => {
    const key = `${p.kind}/${p.namespace}/${p.owner}`;
    if (p.kind === 'Service' || known.has(key)) return;
    byOwner.set(key, [...(byOwner.get(key) ?? []), node]);
  };
  for (const p of look.observed.pods) add(p, podNode(p, views.get(`${p.namespace}/${p.name}`), ''));
  for (const p of look.observed.terminating ?? []) add(p, terminatingNode(p, '', now));
  return [...byOwner].map(([key, pods]) => {
    const [kind, namespace, name] = key.split('/') as [string, string, string];
    const h = health.get(key);
    const state = jobs.has(key)
      ? { health: h?.health ?? 'Unknown', message: h?.message ?? 'not looked at yet', sync: 'Synced' as const, syncReason: '' }
      : {
          health: 'Unknown' as const,
          message: 'not declared by the revision berth runs',
          sync: 'OutOfSync' as const,
          syncReason: `${pods.length} pod(s) the revision does not declare`,
        };
    return {
      kind,
      namespace,
      name,
      ...state,
      templates: templates(pods, '')
        .filter((t) => t.pods.length > 0)
        .map((t) => ({ ...t, current: jobs.has(key) })),
      uses: [],
    };
  });
}

function uses(w: Workload): string[] {
  const refs = referencedObjects(w.kind === 'Pod' ? w.spec : w.template.spec);
  return [...refs.configMaps.map((n) => `ConfigMap/${n}`), ...refs.secrets.map((n) => `Secret/${n}`)];
}

function workloadSync(live: readonly PodNode[], current: string, replicas: number): Pick<NodeState, 'sync' | 'syncReason'> {
  const old = live.filter((p) => p.syncReason !== '').length;
  const fresh = live.length - old;
  const reasons: string[] = [];
  if (old > 0) reasons.push(`${old} pod(s) of an older template`);
  if (fresh < replicas) reasons.push(`${replicas - fresh} of ${replicas} pod(s) of template ${current} missing`);
  if (fresh > replicas) reasons.push(`${fresh - replicas} pod(s) too many`);
  return { sync: reasons.length ? 'OutOfSync' : 'Synced', syncReason: reasons.join('; ') };
}

function templates(pods: readonly (PodNode & { hash: string })[], current: string): TemplateNode[] {
  const byHash = new Map<string, PodNode[]>([[current, []]]);
  for (const { hash, ...p } of pods) byHash.set(hash, [...(byHash.get(hash) ?? []), p]);
  return [...byHash].map(([hash, ps]) => ({ hash, current: hash === current, pods: ps.sort((a, b) => compareText(a.name, b.name)) }));
}

function containers(p: ObservedPod): ContainerNode[] {
  return p.containers.map((c) => ({ name: c.labels['io.berth.container'] ?? c.name, image: c.image, state: c.state, status: c.status }));
}

function podNode(p: ObservedPod, v: PodView | undefined, current: string): PodNode & { hash: string } {
  const ready = v?.ready ?? false;
  const crashed = v?.exitCode !== undefined && v.exitCode !== 0;
  const health = crashed || (v?.restarts ?? 0) >= 3 ? 'Degraded' : ready ? 'Healthy' : 'Progressing';
  const message = ready ? 'ready' : (v?.reason ?? (v?.running ? 'running, not ready' : 'not running'));
  return {
    hash: p.specHash,
    namespace: p.namespace,
    name: p.name,
    health,
    message,
    sync: p.specHash === current ? 'Synced' : 'OutOfSync',
    syncReason: p.specHash === current ? '' : `template ${p.specHash}, the revision declares ${current}`,
    ready,
    restarts: v?.restarts ?? 0,
    ...(v?.exitCode !== undefined ? { exitCode: v.exitCode } : {}),
    ...(v?.reason ? { reason: v.reason } : {}),
    containers: containers(p),
  };
}

function terminatingNode(p: TerminatingPod, current: string, now: number): PodNode & { hash: string } {
  const left = secondsLeft(p.deadline, now);
  return {
    hash: p.specHash,
    namespace: p.namespace,
    name: p.name,
    health: 'Progressing',
    message: `terminating: killed in ${left} s at the latest`,
    sync: 'OutOfSync',
    syncReason: p.specHash === current ? 'being removed' : `template ${p.specHash}, being removed`,
    ready: false,
    restarts: 0,
    terminatingSecondsLeft: left,
    containers: containers(p),
  };
}

function bounds(
  w: DeploymentResource | StatefulSetResource | DaemonSetResource,
  key: string,
  progress: ProgressState | undefined,
  h: ResourceStatus | undefined,
  now: number,
): RolloutBounds {
  const last = progress?.last[key];
  const rolling = h !== undefined && h.health !== 'Healthy' && h.health !== 'Suspended';
  const deadline = last !== undefined && rolling ? { deadlineSecondsLeft: Math.max(0, Math.round(w.progressDeadlineSeconds - (now - last) / 1000)) } : {};
  if (w.kind === 'DaemonSet') {
    const strategy =
      w.updateStrategy.type === 'RollingUpdate'
        ? `RollingUpdate (maxSurge ${w.updateStrategy.maxSurge}, maxUnavailable ${w.updateStrategy.maxUnavailable})`
        : 'OnDelete';
    return { strategy, replicas: 1, progressDeadlineSeconds: w.progressDeadlineSeconds, ...deadline };
  }
  if (w.kind === 'StatefulSet') {
    const strategy =
      w.updateStrategy.type === 'RollingUpdate'
        ? `RollingUpdate (one pod at a time, highest ordinal first, partition ${w.updateStrategy.partition})`
        : 'OnDelete';
    return { strategy, replicas: w.replicas, progressDeadlineSeconds: w.progressDeadlineSeconds, ...deadline };
  }
  if (w.strategy.type === 'Recreate') return { strategy: 'Recreate', replicas: w.replicas, progressDeadlineSeconds: w.progressDeadlineSeconds, ...deadline };
  const f = fenceposts(w.strategy.maxSurge, w.strategy.maxUnavailable, w.replicas);
  return {
    strategy: `RollingUpdate (maxSurge ${w.strategy.maxSurge}, maxUnavailable ${w.strategy.maxUnavailable})`,
    replicas: w.replicas,
    maxPods: w.replicas + f.surge,
    minAvailable: Math.max(0, w.replicas - f.unavailable),
    progressDeadlineSeconds: w.progressDeadlineSeconds,
    ...deadline,
  };
}
