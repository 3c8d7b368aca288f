/**
 * plan(desired, observed, ctx): the ordered actions that converge the engine. Pure: no I/O,
 * no clock, no randomness; the same inputs give the same plan.
 *
 * Order: create networks -> create PVC volumes -> write files -> remove pods being replaced,
 * scaled down or pruned -> create pods (StatefulSets in ordinal order) -> start pods stopped
 * by hand -> set aliases -> remove leftover emptyDir volumes -> remove networks of namespaces
 * no longer declared (only when no pod remains in them).
 * With `prune: false` nothing the desired state does not declare is removed.
 * PVC volumes are never removed, not even when their claim leaves the manifests: the claim's
 * `berth.io/delete-on-removal` annotation would be gone with it, so the safe rule is "keep".
 */
import { resourceKey, templatedWorkloads, type DesiredState } from '../model';
import type { ObservedState } from '../observe';
import { LABEL } from '../runtime';
import type { BuiltPod } from './build';
import { buildPodOnce } from './buildCache';
import { podActions, type PodActions } from './diff';
import { expandPods, takenNames } from './expand';
import type { FileSet } from './files';
import { claimLabels, networkLabels } from './labels';
import { configLookup } from './lookup';
import { checkInstance, networkName, pvcVolumeName } from './names';
import { pairPods } from './pair';
import { serviceWarnings } from './aliases';
import { orderPodActions } from './order';
import type { Action, DesiredPod, HeldCreate, Plan, PlanContext, PodPair } from './types';
import type { ClaimVolume } from './volumes';
import { Warnings } from './warnings';
import { anchorPods } from './anchors';
import { jobStatuses } from '../jobs';
import { compareText } from '../util';

export function plan(desired: DesiredState, observed: ObservedState, ctx: PlanContext): Plan {
  checkInstance(ctx.instance);
  const warnings = new Warnings();
  const lookup = configLookup(desired);
  const jobs = ctx.jobs ?? jobStatuses(desired.jobs, observed.pods, new Map(), undefined);
  const pods = expandPods(desired, warnings, { serviceAnchors: ctx.serviceAnchors, taken: takenNames(observed), jobs });
  const built = new Map<DesiredPod, BuiltPod>(pods.map((d) => [d, buildPodOnce(d, desired, ctx, lookup, warnings)]));
  for (const w of serviceWarnings(desired.services, pods, ctx.serviceAnchors === true)) warnings.add(w);
  const pairs = pairPods(pods, observed.pods, declaredWorkloads(desired));
  const pa = podActions(pairs, built, observed.volumes, ctx, gracePeriods(desired));
  const held = holdCreatesOfTakenNames(pa, observed);
  if (pa.aliasesUnknown.length > 0) {
    const pods = [...pa.aliasesUnknown].sort().join(', ');
    warnings.add(`Service changes do not reach running pods ${pods} yet: the runtime does not report network aliases; they apply when the pods are replaced`);
  }
  const actions: Action[] = [
    ...createNetworks(desired, pods, observed, ctx),
    ...createClaims(desired, [...built.values()], observed, ctx),
    ...writeFiles(pa.fileSets),
    ...orderPodActions(pa),
    ...removeEmptyDirs(desired, pods, pairs, pa, observed, ctx),
    ...removeNetworks(desired, pods, pairs, pa, observed, ctx),
  ];
  return { actions, warnings: warnings.list(), held };
}

/**
 * A pod whose name a terminating pod still holds (a StatefulSet ordinal, a bare Pod, an
 * anchor) is created once that one is gone, as Kubernetes creates `web-0` again only after
 * the old `web-0` has been deleted. Removes those creations from `pa`; says who waits.
 */
function holdCreatesOfTakenNames(pa: PodActions, observed: ObservedState): HeldCreate[] {
  const terminating = new Map((observed.terminating ?? []).map((t) => [`${t.namespace}/${t.name}`, t]));
  if (terminating.size === 0) return [];
  const held: HeldCreate[] = [];
  pa.creations = pa.creations.filter((c) => {
    const t = terminating.get(`${c.namespace}/${c.pod}`);
    if (t) held.push({ key: c.key, pod: c.pod, deadline: t.deadline });
    return !t;
  });
  return held;
}

/** Workload key -> current spec/template hash, for every declared workload. */
function declaredWorkloads(d: DesiredState): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of d.pods) out.set(resourceKey(p), p.specHash);
  for (const w of [...templatedWorkloads(d), ...d.jobs]) out.set(resourceKey(w), w.templateHash);
  for (const a of anchorPods(d)) out.set(a.key, a.specHash);
  return out;
}

/** Workload key -> terminationGracePeriodSeconds of its current template, for pods it sheds. */
function gracePeriods(d: DesiredState): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of d.pods) out.set(resourceKey(p), p.spec.terminationGracePeriodSeconds);
  for (const w of [...templatedWorkloads(d), ...d.jobs]) out.set(resourceKey(w), w.template.spec.terminationGracePeriodSeconds);
  return out;
}

function createNetworks(d: DesiredState, pods: DesiredPod[], o: ObservedState, ctx: PlanContext): Action[] {
  const namespaces = new Set(d.namespaces.map((n) => n.meta.name));
  for (const p of pods) if (!p.spec.hostNetwork) namespaces.add(p.namespace);
  const have = new Set(o.networks.map((n) => n.name));
  return [...namespaces]
    .sort()
    .filter((ns) => !have.has(networkName(ctx.instance, ns)))
    .map((ns) => ({ type: 'create-network', key: `Namespace/${ns}`, name: networkName(ctx.instance, ns), labels: networkLabels(ctx, ns) }));
}

/** Every declared claim and every claim a desired pod uses (StatefulSet templates included). */
function createClaims(d: DesiredState, built: BuiltPod[], o: ObservedState, ctx: PlanContext): Action[] {
  const claims = new Map<string, ClaimVolume>();
  for (const c of d.persistentVolumeClaims) {
    const name = pvcVolumeName(ctx.instance, c.meta.namespace, c.meta.name);
    claims.set(name, { key: resourceKey(c), name, labels: claimLabels(ctx, c.meta.namespace, c.meta.name) });
  }
  for (const b of built) for (const c of b.volumes.claims) if (!claims.has(c.name)) claims.set(c.name, c);
  const have = new Set(o.volumes.map((v) => v.name));
  return [...claims.values()]
    .filter((c) => !have.has(c.name))
    .sort((a, b) => compareText(a.name, b.name))
    .map((c) => ({ type: 'create-volume', key: c.key, name: c.name, labels: c.labels }));
}

function writeFiles(sets: FileSet[]): Action[] {
  const byDir = new Map(sets.map((s) => [s.dir, s]));
  return [...byDir.values()]
    .sort((a, b) => compareText(a.dir, b.dir))
    .map((s) => ({ type: 'write-files', key: s.key, dir: s.dir, secret: s.secret, files: s.files }));
}

/** Pods still there after the plan ran (terminating ones too: they go later), as `ns/name`. */
function remainingPods(pods: DesiredPod[], pairs: PodPair[], pa: PodActions, o: ObservedState): Set<string> {
  const removed = new Set(pa.removals.map((r) => `${r.namespace}/${r.pod}`));
  const out = new Set([...pods, ...(o.terminating ?? [])].map((p) => `${p.namespace}/${p.name}`));
  for (const p of pairs) {
    if (p.type !== 'delete') continue;
    const id = `${p.observed.namespace}/${p.observed.name}`;
    if (!removed.has(id)) out.add(id);
  }
  return out;
}

/**
 * emptyDir volumes whose pod is gone (left by an interrupted removal): removed when the
 * owner is still declared in that namespace, or with prune.
 */
function removeEmptyDirs(d: DesiredState, pods: DesiredPod[], pairs: PodPair[], pa: PodActions, o: ObservedState, ctx: PlanContext): Action[] {
  const remaining = remainingPods(pods, pairs, pa, o);
  const removedWithPod = new Set(pa.removals.flatMap((r) => r.volumes));
  const owners = new Set([...d.pods, ...[...templatedWorkloads(d), ...d.jobs]].map((w) => `${w.meta.namespace}/${w.meta.name}`));
  const out: Action[] = [];
  for (const v of o.volumes) {
    const l = v.labels;
    if (l[LABEL.kind] !== 'emptyDir' || removedWithPod.has(v.name)) continue;
    if (remaining.has(`${l[LABEL.namespace]}/${l[LABEL.pod]}`)) continue;
    if (!ctx.prune && !owners.has(`${l[LABEL.namespace]}/${l[LABEL.owner]}`)) continue;
    out.push({ type: 'remove-volume', key: `Pod/${l[LABEL.namespace]}/${l[LABEL.pod]}`, name: v.name });
  }
  return out;
}

function removeNetworks(d: DesiredState, pods: DesiredPod[], pairs: PodPair[], pa: PodActions, o: ObservedState, ctx: PlanContext): Action[] {
  if (!ctx.prune) return [];
  const declared = new Set(d.namespaces.map((n) => n.meta.name));
  for (const p of pods) declared.add(p.namespace);
  const busy = new Set([...remainingPods(pods, pairs, pa, o)].map((id) => id.split('/')[0]));
  return o.networks
    .filter((n) => n.labels[LABEL.kind] === 'Namespace')
    .filter((n) => !declared.has(n.labels[LABEL.namespace]) && !busy.has(n.labels[LABEL.namespace]))
    .map((n) => ({ type: 'remove-network', key: `Namespace/${n.labels[LABEL.namespace]}`, name: n.name }));
}
