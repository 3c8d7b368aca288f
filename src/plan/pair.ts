/**
 * Pairing, gitops-engine style: each desired pod is matched with the observed pod of the same
 * namespace and name, giving create | replace | unchanged | delete. Which pods should exist is
 * decided here; in which order to act is decided elsewhere (actions.ts, or a rollout planner).
 */
import { containerOf } from '../observe';
import { observedKey, type ObservedPod } from '../observe';
import { LABEL } from '../runtime';
import { needsInfra } from './expand';
import type { CreateReason, DeleteReason, DesiredPod, PodPair } from './types';

/** Workload key -> its current spec/template hash, for every declared workload (even at 0 replicas). */
export type DeclaredWorkloads = ReadonlyMap<string, string>;

export function pairPods(desired: readonly DesiredPod[], observed: readonly ObservedPod[], declared: DeclaredWorkloads): PodPair[] {
  const byName = new Map(observed.map((o) => [`${o.namespace}/${o.name}`, o]));
  const byWorkload = new Map<string, ObservedPod[]>();
  for (const o of observed) byWorkload.set(observedKey(o), [...(byWorkload.get(observedKey(o)) ?? []), o]);

  const pairs: PodPair[] = [];
  const matched = new Set<ObservedPod>();
  for (const d of desired) {
    const o = byName.get(`${d.namespace}/${d.name}`);
    if (!o) {
      pairs.push({ type: 'create', desired: d, reason: createReason(d, byWorkload.get(d.key) ?? []) });
      continue;
    }
    matched.add(o);
    pairs.push(pairExisting(d, o));
  }
  for (const o of observed) {
    if (matched.has(o)) continue;
    pairs.push({ type: 'delete', observed: o, key: observedKey(o), reason: deleteReason(o, declared) });
  }
  return pairs;
}

function pairExisting(d: DesiredPod, o: ObservedPod): PodPair {
  const sameOwner = o.kind === d.kind && o.owner === d.owner;
  if (!sameOwner) {
    return { type: 'replace', desired: d, observed: o, reason: 'spec-changed', detail: `was ${o.kind} ${o.owner}` };
  }
  if (o.specHash !== d.specHash && d.replaceOnSpecChange) {
    return { type: 'replace', desired: d, observed: o, reason: 'spec-changed', detail: 'pod template changed' };
  }
  const broken = brokenReason(d, o);
  if (broken) return { type: 'replace', desired: d, observed: o, reason: 'broken', detail: broken };
  return { type: 'unchanged', desired: d, observed: o };
}

function createReason(d: DesiredPod, siblings: readonly ObservedPod[]): CreateReason {
  if (siblings.length === 0) return 'new';
  if ((d.kind === 'Deployment' || d.kind === 'DaemonSet') && siblings.some((o) => o.specHash !== d.specHash)) return 'rollout';
  return 'added';
}

function deleteReason(o: ObservedPod, declared: DeclaredWorkloads): DeleteReason {
  const current = declared.get(observedKey(o));
  if (current === undefined) return 'orphan';
  if ((o.kind === 'Deployment' || o.kind === 'DaemonSet') && o.specHash !== current) return 'superseded';
  return 'scaled-down';
}

/**
 * Why an observed pod cannot serve as the desired one although its spec hash matches:
 * something was changed by hand. undefined when it is whole.
 */
export function brokenReason(d: DesiredPod, o: ObservedPod): string | undefined {
  const names = new Set(o.containers.map(containerOf));
  for (const c of d.spec.containers) if (!names.has(c.name)) return `container ${c.name} missing`;
  const expected = new Set(d.spec.containers.map((c) => c.name));
  for (const n of names) if (!expected.has(n)) return `unexpected container ${n}`;
  const init = initMismatch(d, o);
  if (init) return init;
  if (needsInfra(d.spec) && !o.infra) return 'infra container missing';
  if (!needsInfra(d.spec) && o.infra) return 'unexpected infra container';
  const all = [...(o.infra ? [o.infra] : []), ...o.containers, ...(o.init ?? [])];
  const odd = all.find((c) => c.labels[LABEL.specHash] !== o.specHash);
  if (odd) return `container ${containerOf(odd)} has another spec hash`;
  const gone = all.find((c) => c.state === 'dead' || c.state === 'removing');
  if (gone) return `container ${containerOf(gone)} is ${gone.state}`;
  // Containers joined to a stopped infra container lost their network for good: only a new
  // pod gets it back. (All stopped together, e.g. by `docker stop`, is a start-pod instead.)
  if (
    o.infra &&
    (o.infra.state === 'exited' || o.infra.state === 'created' || o.infra.state === 'restarting') &&
    o.containers.some((c) => c.state === 'running')
  ) {
    return 'infra container stopped';
  }
  return undefined;
}

function initMismatch(d: DesiredPod, o: ObservedPod): string | undefined {
  const names = new Set((o.init ?? []).map(containerOf));
  for (const c of d.spec.initContainers) if (!names.has(c.name)) return `init container ${c.name} missing`;
  const expected = new Set(d.spec.initContainers.map((c) => c.name));
  for (const n of names) if (!expected.has(n)) return `unexpected init container ${n}`;
  return undefined;
}
