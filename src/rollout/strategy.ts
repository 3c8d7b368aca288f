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
 * - StatefulSet OrderedReady: ordinal i is created only when 0..i-1 run and are ready; an
 *   update replaces one pod at a time from the highest ordinal down, when all others are
 *   ready; scale-down removes the highest ordinal first, one at a time. Parallel creates and
 *   removes at once but still updates one pod at a time (Kubernetes' default maxUnavailable 1).
 * Scaling alone, repairs of broken pods and everything that is not a pod pass untouched.
 * Pure: the same inputs give the same step.
 */
import { resourceKey, type DeploymentResource, type DesiredState, type IntOrString, type StatefulSetResource } from '../model/types';
import type { ObservedPod } from '../observe/types';
import { observedKey } from '../plan/pair';
import type { Action, CreatePodAction, RemovePodAction } from '../plan/types';

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
}

export interface Step {
  /** The actions to run now, in the plan's order. */
  actions: Action[];
  held: HeldStep[];
}

type PodAction = CreatePodAction | RemovePodAction;

export function rolloutStep(actions: readonly Action[], desired: DesiredState, observed: readonly ObservedPod[], readiness: ReadinessMap): Step {
  const gates = new Map<string, Gate>();
  for (const d of desired.deployments) gates.set(resourceKey(d), deploymentGate(d, podsOf(observed, resourceKey(d)), readiness));
  for (const s of desired.statefulSets) gates.set(resourceKey(s), statefulSetGate(s, podsOf(observed, resourceKey(s)), readiness));
  const byKey = new Map<string, PodAction[]>();
  for (const a of actions) if (isPodAction(a) && gates.has(a.key)) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
  const allowed = new Set<Action>();
  const held: HeldStep[] = [];
  for (const [key, acts] of byKey) {
    const verdict = gates.get(key)!(acts);
    for (const a of verdict.allowed) allowed.add(a);
    if (verdict.held) held.push({ key, reason: verdict.held });
  }
  return { actions: actions.filter((a) => !isPodAction(a) || !gates.has(a.key) || allowed.has(a)), held };
}

/** A workload's rule: of its planned pod actions, which run now, and why the rest wait. */
type Gate = (actions: PodAction[]) => { allowed: PodAction[]; held?: string };

function isPodAction(a: Action): a is PodAction {
  return a.type === 'create-pod' || a.type === 'remove-pod';
}

function podsOf(observed: readonly ObservedPod[], key: string): ObservedPod[] {
  return observed.filter((o) => observedKey(o) === key);
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
    const removes = actions.filter((a): a is RemovePodAction => a.type === 'remove-pod' && !isRepair(a));
    if (d.paused) return { allowed: repairs, held: 'paused: the pods of the previous template stay' };
    if (d.strategy.type === 'Recreate') {
      if (removes.length > 0) return { allowed: [...repairs, ...removes], held: creates.length ? `Recreate: waiting for ${old.length} old pod(s) to go` : undefined };
      return { allowed: repairs, held: `Recreate: waiting for ${old.length} old pod(s) to go` };
    }
    const { surge, unavailable } = fenceposts(d.strategy.maxSurge, d.strategy.maxUnavailable, d.replicas);
    const isAvailable = (p: { namespace: string; name: string }) => readiness.get(id(p.namespace, p.name))?.available === true;
    const fresh = pods.length - old.length;
    const canCreate = Math.max(0, Math.min(d.replicas + surge - pods.length, d.replicas - fresh));
    const minAvailable = d.replicas - unavailable;
    const available = pods.filter(isAvailable).length;
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
    const allowed = [...repairs, ...allowedCreates, ...allowedRemoves];
    const waiting = creates.length + removes.length - allowedCreates.length - allowedRemoves.length;
    const held = waiting > 0 ? `rolling update: ${pods.length} pod(s) (at most ${d.replicas + surge}), ${available} available (at least ${minAvailable}); ${waiting} step(s) wait for readiness` : undefined;
    return { allowed, held };
  };
}

function statefulSetGate(s: StatefulSetResource, pods: ObservedPod[], readiness: ReadinessMap): Gate {
  const ready = (ordinal: number) => {
    const p = pods.find((x) => x.ordinal === ordinal);
    return p !== undefined && readiness.get(id(p.namespace, p.name))?.ready === true;
  };
  const ordered = s.podManagementPolicy === 'OrderedReady';
  return (actions) => {
    const allowed: PodAction[] = actions.filter(isRepair);
    const held: string[] = [];
    const creates = actions.filter((a): a is CreatePodAction => a.type === 'create-pod' && a.reason !== 'replace' && !isRepair(a));
    const scaleDowns = actions.filter((a): a is RemovePodAction => a.type === 'remove-pod' && a.reason !== 'replace' && !isRepair(a));
    const updates = actions.filter((a) => a.reason === 'replace'); // remove + create of one ordinal
    // Creation: in ordinal order, each ready before the next (OrderedReady), or all at once.
    const sortedCreates = [...creates].sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
    if (!ordered) allowed.push(...sortedCreates);
    else if (sortedCreates.length > 0) {
      const first = sortedCreates[0];
      const below = Array.from({ length: first.ordinal ?? 0 }, (_, i) => i);
      const notReady = below.find((i) => !ready(i));
      if (notReady === undefined) allowed.push(first);
      if (notReady !== undefined || sortedCreates.length > 1) held.push(notReady !== undefined ? `ordered creation: waiting for ${s.meta.name}-${notReady} to be ready` : `ordered creation: one pod at a time`);
    }
    // Scale-down: the highest ordinal first.
    const sortedDowns = [...scaleDowns].sort((a, b) => (b.ordinal ?? 0) - (a.ordinal ?? 0));
    if (!ordered) allowed.push(...sortedDowns);
    else if (sortedDowns.length > 0) allowed.push(sortedDowns[0]);
    // Update: one ordinal at a time from the highest, when every other pod is ready.
    const byOrdinal = [...new Set(updates.map((a) => a.ordinal ?? 0))].sort((a, b) => b - a);
    if (byOrdinal.length > 0) {
      const top = byOrdinal[0];
      const others = Array.from({ length: s.replicas }, (_, i) => i).filter((i) => i !== top);
      const notReady = others.find((i) => !ready(i));
      if (notReady === undefined && creates.length === 0) allowed.push(...updates.filter((a) => (a.ordinal ?? 0) === top));
      const left = notReady === undefined && creates.length === 0 ? byOrdinal.length - 1 : byOrdinal.length;
      if (left > 0) held.push(`rolling update: ${left} pod(s) to update${notReady !== undefined ? `, waiting for ${s.meta.name}-${notReady} to be ready` : ''}`);
    }
    return { allowed, held: held.length ? held.join('; ') : undefined };
  };
}
