/**
 * Desired pods: every Pod, every Deployment replica slot and every StatefulSet ordinal,
 * with the names they get on the engine. Pure: the same desired state gives the same pods.
 */
import { resourceKey, type DeploymentResource, type DesiredState, type PodResource, type PodSpec, type StatefulSetResource } from '../model';
import { claimTemplateName, deploymentPodName, statefulSetPodName } from './names';
import type { DesiredPod } from './types';
import type { Warnings } from './warnings';
import { anchorPods } from './anchors';
import { jobPods } from '../jobs';
import type { JobStatus } from '../jobs';
import { fromDaemonSet } from './daemonset';

/**
 * A pod of several containers gets an infra container holding the network namespace; with
 * hostNetwork all containers use the host's network, so there is nothing to hold. A pod with
 * init containers has one too: they run before the app container exists to be joined.
 */
export function needsInfra(spec: PodSpec): boolean {
  // No app container at all: a Service anchor (anchors.ts), nothing but the infra container.
  const several = spec.containers.length !== 1 || spec.initContainers.length > 0;
  return several && !spec.hostNetwork;
}

/** Pod names (`ns/name`) on the engine: live ones are kept, terminating ones are not reused. */
export interface TakenNames {
  live: ReadonlySet<string>;
  terminating: ReadonlySet<string>;
  /** Workload key (`DaemonSet/ns/name`) -> names of its live pods. */
  byOwner?: ReadonlyMap<string, readonly string[]>;
}

const NO_NAMES: TakenNames = { live: new Set(), terminating: new Set() };

type Named = { namespace: string; name: string; kind?: string; owner?: string };

export function takenNames(observed: { pods: readonly Named[]; terminating?: readonly Named[] }): TakenNames {
  const id = (p: Named) => `${p.namespace}/${p.name}`;
  const byOwner = new Map<string, string[]>();
  for (const p of observed.pods) {
    if (p.kind === undefined) continue;
    const key = `${p.kind}/${p.namespace}/${p.owner ?? ''}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), p.name]);
  }
  return { live: new Set(observed.pods.map(id)), terminating: new Set((observed.terminating ?? []).map(id)), byOwner };
}

/** `jobs`: each Job's status (jobs/status.ts) by key; a Job without one has no pods here. */
export function expandPods(
  desired: DesiredState,
  warnings: Warnings,
  opts: { serviceAnchors?: boolean; taken?: TakenNames; jobs?: ReadonlyMap<string, JobStatus> } = {},
): DesiredPod[] {
  const taken = opts.taken ?? NO_NAMES;
  const allTaken = new Set([...taken.live, ...taken.terminating]);
  const all = [
    ...desired.pods.map(fromPod),
    ...desired.deployments.flatMap((d) => fromDeployment(d, taken)),
    ...desired.statefulSets.flatMap(fromStatefulSet),
    ...desired.jobs.flatMap((j) => {
      const status = opts.jobs?.get(resourceKey(j));
      return status ? jobPods(j, status, allTaken) : [];
    }),
    ...desired.daemonSets.map((ds) => fromDaemonSet(ds, taken)),
    ...(opts.serviceAnchors ? anchorPods(desired) : []),
  ];
  const seen = new Map<string, DesiredPod>();
  for (const pod of all) {
    const id = `${pod.namespace}/${pod.name}`;
    const first = seen.get(id);
    if (first) warnings.add(`${pod.key}: pod ${id} is also declared by ${first.key}; ${first.key} wins`);
    else seen.set(id, pod);
  }
  return [...seen.values()];
}

function fromPod(p: PodResource): DesiredPod {
  return {
    key: resourceKey(p),
    kind: 'Pod',
    owner: p.meta.name,
    namespace: p.meta.namespace,
    name: p.meta.name,
    labels: p.meta.labels,
    annotations: p.meta.annotations,
    spec: p.spec,
    specHash: p.specHash,
    hostname: p.spec.hostname ?? p.meta.name,
    ...(p.spec.subdomain ? { subdomain: p.spec.subdomain } : {}),
    claimTemplates: {},
    replaceOnSpecChange: true,
  };
}

/** How many alternative names of a slot are looked at for a live pod that holds one. */
const STICKY_ATTEMPTS = 8;

/**
 * Slot k's pod is `deploymentPodName(..., k, attempt)` for the first attempt that is free.
 * A name can be taken by another slot (a suffix collision, astronomically rare) or by a pod
 * still terminating under that name (scale down and up again, or a rollback to a template
 * whose pods are going): Kubernetes would give the new pod a fresh random name, so berth
 * takes the slot's next name. A live pod that already holds one of the slot's names keeps
 * it, so the choice is stable once the terminating pod is gone. Slot k's name depends only
 * on slots below k, so scaling down (dropping the highest slots) never renames the rest.
 */
function slotName(d: DeploymentResource, slot: number, used: ReadonlySet<string>, taken: TakenNames): string {
  const nameOf = (attempt: number) => deploymentPodName(d.meta.name, d.templateHash, slot, attempt);
  const id = (name: string) => `${d.meta.namespace}/${name}`;
  for (let attempt = 0; attempt < STICKY_ATTEMPTS; attempt++) {
    const name = nameOf(attempt);
    if (!used.has(name) && taken.live.has(id(name))) return name;
  }
  for (let attempt = 0; ; attempt++) {
    const name = nameOf(attempt);
    if (!used.has(name) && !taken.terminating.has(id(name))) return name;
  }
}

function fromDeployment(d: DeploymentResource, taken: TakenNames): DesiredPod[] {
  const pods: DesiredPod[] = [];
  const used = new Set<string>();
  for (let slot = 0; slot < d.replicas; slot++) {
    const name = slotName(d, slot, used, taken);
    used.add(name);
    pods.push({
      key: resourceKey(d),
      kind: 'Deployment',
      owner: d.meta.name,
      namespace: d.meta.namespace,
      name,
      labels: d.template.labels,
      annotations: d.template.annotations,
      spec: d.template.spec,
      specHash: d.templateHash,
      slot,
      hostname: d.template.spec.hostname ?? name,
      ...(d.template.spec.subdomain ? { subdomain: d.template.spec.subdomain } : {}),
      claimTemplates: {},
      replaceOnSpecChange: true,
    });
  }
  return pods;
}

function fromStatefulSet(s: StatefulSetResource): DesiredPod[] {
  const pods: DesiredPod[] = [];
  for (let ordinal = 0; ordinal < s.replicas; ordinal++) {
    const name = statefulSetPodName(s.meta.name, ordinal);
    const claimTemplates: Record<string, string> = {};
    for (const t of s.volumeClaimTemplates) claimTemplates[t.name] = claimTemplateName(t.name, s.meta.name, ordinal);
    // OnDelete: a pod keeps its old template until it is deleted (here: found broken).
    // RollingUpdate: ordinals below `partition` keep theirs.
    const replaceOnSpecChange = s.updateStrategy.type === 'RollingUpdate' && ordinal >= s.updateStrategy.partition;
    pods.push({
      key: resourceKey(s),
      kind: 'StatefulSet',
      owner: s.meta.name,
      namespace: s.meta.namespace,
      name,
      labels: s.template.labels,
      annotations: s.template.annotations,
      spec: s.template.spec,
      specHash: s.templateHash,
      ordinal,
      hostname: name,
      ...(s.serviceName ? { subdomain: s.serviceName } : {}),
      claimTemplates,
      replaceOnSpecChange,
    });
  }
  return pods;
}
