/**
 * The rollout planner: which of the plan's pod actions may run now. plan() says where the
 * engine must end up; this step function says how fast, from (desired, observed, readiness),
 * following Kubernetes' controllers:
 * - Deployment RollingUpdate: never more than replicas + maxSurge pods, never fewer than
 *   replicas - maxUnavailable available (surge rounds up, unavailable down; both 0 -> 1
 *   unavailable, as Kubernetes' ResolveFenceposts). Unavailable old pods go first, within
 *   Kubernetes' scale-down budget (old + available new - minimum available).
 * - Deployment Recreate: every old pod goes, then the new ones come.
 * - A paused Deployment keeps its pods of the old template (creates and removals held).
 * - StatefulSet: Kubernetes' order (statefulSetGate below): replicas in ordinal order, then
 *   the condemned, then the update one pod at a time; OrderedReady waits for each pod to be
 *   ready and available, Parallel does not (but still updates one pod at a time).
 * - DaemonSet: one pod on this host, Kubernetes' maxSurge/maxUnavailable rules (daemonset.ts).
 * - Terminating pods count toward nothing; new pods beyond replicas go at once.
 * Scaling alone, repairs of broken pods and everything that is not a pod pass untouched.
 * Pure: the same inputs give the same step.
 */
import { resourceKey, type DeploymentResource, type DesiredState, type IntOrString, type StatefulSetResource } from '../model';
import type { ObservedPod } from '../observe';
import { observedKey } from '../observe';
import type { Action, CreatePodAction, RemovePodAction } from '../plan';
import { daemonSetGate } from './daemonset';

/** What the rollout rules need to know about an observed pod. */
export interface PodReadiness {
  ready: boolean;
  /** Ready for at least the workload's minReadySeconds. */
  available: boolean;
}

/** `namespace/name` -> readiness; a pod missing here counts as not ready. */
export type ReadinessMap = ReadonlyMap<string, PodReadiness>;

/** A step held back, for progress output: `Deployment/default/web: 2 of 3 available, minimum 3`. */
export interface HeldStep {
  key: string;
  reason: string;
  /** Held by the user (a paused Deployment), not by readiness: nothing to wait for. */
  suspended: boolean;
}

export interface Step {
  /** The actions to run now, in the plan's order. */
  actions: Action[];
  held: HeldStep[];
}

type PodAction = CreatePodAction | RemovePodAction;

/**
 * `observed` are the live pods; `terminating` pods count toward nothing (not replicas, not
 * surge, not availability), as a Kubernetes pod with a deletionTimestamp; only a
 * StatefulSet waits for them, since its pods' names (and volumes) must be free first, and a
 * DaemonSet without surge, whose node must be empty first.
 */
export function rolloutStep(
  actions: readonly Action[],
  desired: DesiredState,
  observed: readonly ObservedPod[],
  readiness: ReadinessMap,
  terminating: readonly ObservedPod[] = [],
): Step {
  const gates = new Map<string, Gate>();
  const live = byOwner(observed);
  const going = byOwner(terminating);
  const podsOf = (pods: Map<string, ObservedPod[]>, key: string): ObservedPod[] => pods.get(key) ?? [];
  for (const d of desired.deployments) gates.set(resourceKey(d), deploymentGate(d, podsOf(live, resourceKey(d)), readiness));
  for (const s of desired.statefulSets) gates.set(resourceKey(s), statefulSetGate(s, podsOf(live, resourceKey(s)), podsOf(going, resourceKey(s)), readiness));
  for (const s of desired.daemonSets) gates.set(resourceKey(s), daemonSetGate(s, podsOf(live, resourceKey(s)), podsOf(going, resourceKey(s)), readiness));
  const byKey = new Map<string, PodAction[]>();
  for (const a of actions) {
    if (!isPodAction(a) || !gates.has(a.key)) continue;
    const list = byKey.get(a.key);
    if (list) list.push(a);
    else byKey.set(a.key, [a]);
  }
  const allowed = new Set<Action>();
  const held: HeldStep[] = [];
  for (const [key, acts] of byKey) {
    const verdict = gates.get(key)!(acts);
    for (const a of verdict.allowed) allowed.add(a);
    if (verdict.held) held.push({ key, reason: verdict.held, suspended: verdict.suspended === true });
  }
  return { actions: actions.filter((a) => !isPodAction(a) || !gates.has(a.key) || allowed.has(a)), held };
}

/** A workload's rule: of its planned pod actions, which run now, and why the rest wait. */
type Gate = (actions: PodAction[]) => { allowed: PodAction[]; held?: string; suspended?: boolean };

function isPodAction(a: Action): a is PodAction {
  return a.type === 'create-pod' || a.type === 'remove-pod';
}

/** Pods by their owner's key, in one pass (a lookup per workload would be O(workloads x pods)). */
function byOwner(pods: readonly ObservedPod[]): Map<string, ObservedPod[]> {
  const out = new Map<string, ObservedPod[]>();
  for (const p of pods) {
    const key = observedKey(p);
    const list = out.get(key);
    if (list) list.push(p);
    else out.set(key, [p]);
  }
  return out;
}

function id(ns: string, name: string): string {
  return `${ns}/${name}`;
}

/** Repairs (a broken pod replaced by the same pod) are never held: they restore, not roll. */
function isRepair(a: PodAction): boolean {
  return a.reason === 'repair';
}

/** Kubernetes' intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: IntOrString, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const pct = Number(v.replace(/%$/, ''));
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** maxSurge (rounded up) and maxUnavailable (rounded down); both 0 gives 1 unavailable. */
export function fenceposts(maxSurge: IntOrString, maxUnavailable: IntOrString, replicas: number): { surge: number; unavailable: number } {
  const surge = scaled(maxSurge, replicas, true);
  const unavailable = scaled(maxUnavailable, replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

function deploymentGate(d: DeploymentResource, pods: ObservedPod[], readiness: ReadinessMap): Gate {
  const old = pods.filter((p) => p.specHash !== d.templateHash);
  return (actions) => {
    // No pod of another template: scaling or a first rollout, nothing to pace.
    if (old.length === 0) return { allowed: actions };
    const repairs = actions.filter(isRepair);
    const creates = actions.filter((a): a is CreatePodAction => a.type === 'create-pod' && !isRepair(a));
    // New pods beyond replicas (replicas lowered during a rollout) go at once: Kubernetes scales
    // the new ReplicaSet down to spec.replicas without an availability check (NewRSNewReplicas).
    const surplus = actions.filter((a): a is RemovePodAction => a.type === 'remove-pod' && !isRepair(a) && a.specHash === d.templateHash);
    const removes = actions.filter((a): a is RemovePodAction => a.type === 'remove-pod' && !isRepair(a) && a.specHash !== d.templateHash);
    if (d.paused) return { allowed: repairs, held: 'paused: the pods of the previous template stay', suspended: true };
    if (d.strategy.type === 'Recreate') {
      if (removes.length > 0)
        return { allowed: [...repairs, ...removes], held: creates.length ? `Recreate: waiting for ${old.length} old pod(s) to go` : undefined };
      return { allowed: repairs, held: `Recreate: waiting for ${old.length} old pod(s) to go` };
    }
    const { surge, unavailable } = fenceposts(d.strategy.maxSurge, d.strategy.maxUnavailable, d.replicas);
    const isAvailable = (p: { namespace: string; name: string }) => readiness.get(id(p.namespace, p.name))?.available === true;
    const fresh = pods.length - old.length - surplus.length;
    const canCreate = Math.max(0, Math.min(d.replicas + surge - (pods.length - surplus.length), d.replicas - fresh));
    const minAvailable = d.replicas - unavailable;
    const leaving = new Set(surplus.map((r) => r.pod));
    const available = pods.filter((p) => isAvailable(p) && !leaving.has(p.name)).length;
    // Kubernetes' scale-down budget (maxScaledDown): old pods + available new ones - the minimum.
    // It holds for unavailable old pods too, so one that flaps is not removed while nothing new serves.
    let budget = Math.max(0, old.length + (available - old.filter(isAvailable).length) - minAvailable);
    let canRemoveAvailable = Math.max(0, available - minAvailable);
    const allowedCreates = creates.slice(0, canCreate);
    // Pods that serve nothing go first: removing them costs no availability.
    const byPod = (r: RemovePodAction) => ({ namespace: r.namespace, name: r.pod });
    const ordered = [...removes.filter((r) => !isAvailable(byPod(r))), ...removes.filter((r) => isAvailable(byPod(r)))];
    const allowedRemoves: RemovePodAction[] = [];
    for (const r of ordered) {
      if (budget === 0) break;
      if (isAvailable(byPod(r))) {
        if (canRemoveAvailable === 0) break; // the rest are available too
        canRemoveAvailable--;
      }
      budget--;
      allowedRemoves.push(r);
    }
    const allowed = [...repairs, ...surplus, ...allowedCreates, ...allowedRemoves];
    const waiting = creates.length + removes.length - allowedCreates.length - allowedRemoves.length;
    const held =
      waiting > 0
        ? `rolling update: ${pods.length} pod(s) (at most ${d.replicas + surge}), ${available} available (at least ${minAvailable}); ${waiting} step(s) wait for readiness`
        : undefined;
    return { allowed, held };
  };
}

/**
 * Kubernetes' StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go,
 * updateStatefulSet), without the MaxUnavailableStatefulSet feature gate:
 * 1. ordinals 0..replicas-1 in order: a missing pod is created; with OrderedReady the walk
 *    stops at the first pod that is missing, terminating, not ready or not available
 *    (minReadySeconds); with Parallel every missing pod is created at once;
 * 2. only then the condemned (ordinal >= replicas), the highest first: OrderedReady one at a
 *    time, each gone before the next; Parallel all at once. Scaling takes precedence over
 *    updates;
 * 3. only then the update, from the highest ordinal down to `partition`: one pod at a time,
 *    waiting while a pod above it is unavailable or still terminating (Parallel too).
 * A pod being updated is terminated first; its successor is created by step 1 once the old
 * one has given up the name.
 */
function statefulSetGate(s: StatefulSetResource, pods: ObservedPod[], terminating: readonly ObservedPod[], readiness: ReadinessMap): Gate {
  const live = new Map(pods.map((p) => [p.ordinal, p]));
  const terminatingOrdinals = new Set(terminating.map((p) => p.ordinal));
  const podName = (i: number) => `${s.meta.name}-${i}`;
  const state = (i: number): 'available' | 'unready' | 'unavailable' | 'terminating' | 'missing' => {
    const p = live.get(i);
    if (!p) return terminatingOrdinals.has(i) ? 'terminating' : 'missing';
    const r = readiness.get(id(p.namespace, p.name));
    return r?.available ? 'available' : r?.ready ? 'unavailable' : 'unready';
  };
  const waitingFor = (i: number, st: string) =>
    st === 'terminating'
      ? `waiting for ${podName(i)} to terminate`
      : st === 'unready'
        ? `waiting for ${podName(i)} to be ready`
        : `waiting for ${podName(i)} to be available (minReadySeconds ${s.minReadySeconds})`;
  const ordered = s.podManagementPolicy === 'OrderedReady';
  return (actions) => {
    const allowed: PodAction[] = actions.filter(isRepair);
    const done = (held?: string) => ({ allowed, held });
    const ofOrdinal = (i: number, pred: (a: PodAction) => boolean) => actions.filter((a) => !isRepair(a) && (a.ordinal ?? -1) === i && pred(a));
    // 1. the replicas, in ordinal order
    for (let i = 0; i < s.replicas; i++) {
      const st = state(i);
      if (st === 'missing') {
        allowed.push(...ofOrdinal(i, (a) => a.type === 'create-pod'));
        if (ordered) return done(`ordered creation: waiting for ${podName(i)} to be created and ready`);
        continue;
      }
      if (st !== 'available' && ordered) return done(`ordered: ${waitingFor(i, st)}`);
    }
    // 2. the condemned, highest first
    const condemned = actions
      .filter((a): a is RemovePodAction => a.type === 'remove-pod' && !isRepair(a) && (a.ordinal ?? 0) >= s.replicas)
      .sort((a, b) => (b.ordinal ?? 0) - (a.ordinal ?? 0));
    const condemnedGoing = terminating.filter((p) => (p.ordinal ?? 0) >= s.replicas);
    if (ordered && condemnedGoing.length > 0) return done(`scale-down: waiting for ${condemnedGoing.map((p) => p.name).join(', ')} to terminate`);
    if (condemned.length > 0) {
      allowed.push(...(ordered ? condemned.slice(0, 1) : condemned));
      if (ordered) return done(condemned.length > 1 ? `scale-down: one pod at a time, ${condemned.length - 1} more to remove` : undefined);
    }
    // 3. the update, one pod at a time from the highest ordinal
    const partition = s.updateStrategy.type === 'RollingUpdate' ? s.updateStrategy.partition : s.replicas;
    for (let target = s.replicas - 1; target >= partition; target--) {
      const update = ofOrdinal(target, (a) => a.reason === 'replace');
      if (update.length > 0) {
        allowed.push(...update);
        const left = new Set(actions.filter((a) => a.reason === 'replace' && (a.ordinal ?? 0) < target).map((a) => a.ordinal)).size;
        return done(left > 0 ? `rolling update: ${left} more pod(s) to update, one at a time` : undefined);
      }
      const st = state(target);
      if (st !== 'available' && st !== 'missing') return done(`rolling update: ${waitingFor(target, st)}`);
    }
    return done();
  };
}
