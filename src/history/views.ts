/**
 * Looking at a workload's pods from outside the operator, read-only. Reuses the rollout's
 * pod views (src/rollout/podViews) and prober with two changes, both pure transforms:
 * - no liveness probes: `rollout status` must never restart a container (that is the
 *   operator's job, and two restarters would fight);
 * - a readiness probe's initialDelaySeconds counts from the container's creation, not from
 *   when this command first saw it, so a pod that has been up for minutes is probed at once.
 * And one estimate: a pod already ready at the first look has been ready since it was
 * created, as far as this command can know (for minReadySeconds).
 */
import type { PodContext } from '../rollout';
import type { PodView } from '../health';
import type { ObservedPod } from '../observe';
import { createdAt } from './summary';

export function readOnlyContexts(contexts: readonly PodContext[], nowMs: number): PodContext[] {
  return contexts.map((c) => {
    const born = new Map(c.observed.containers.map((x) => [x.id, x.createdAt * 1000]));
    const probed = c.probed.map((p) => {
      const { livenessProbe: _drop, ...rest } = p;
      const r = rest.readinessProbe;
      if (!r) return rest;
      const ageS = Math.max(0, (nowMs - (born.get(p.id) ?? nowMs)) / 1000);
      return { ...rest, readinessProbe: { ...r, initialDelaySeconds: Math.max(0, Math.ceil(r.initialDelaySeconds - ageS)) } };
    });
    return { ...c, probed };
  });
}

/** Pods ready at the first look count as ready since their creation (see the module comment). */
export function withReadySinceCreation(views: readonly PodView[], pods: readonly ObservedPod[], readyAtFirstLook: ReadonlySet<string>): PodView[] {
  const born = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, createdAt(p) * 1000]));
  return views.map((v) => {
    const id = `${v.namespace}/${v.name}`;
    const b = born.get(id);
    if (!v.ready || !readyAtFirstLook.has(id) || b === undefined || v.readySince === undefined) return v;
    return { ...v, readySince: Math.min(v.readySince, b) };
  });
}
