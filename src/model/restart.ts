/**
 * `kubectl rollout restart` as berth does it (pure): kubectl writes the annotation
 * `kubectl.kubernetes.io/restartedAt` into the pod template, which changes the template
 * and so rolls every pod under the workload's own strategy. berth cannot write into git
 * for that, so the time is kept in the state directory (operator/controls.ts) and laid over
 * the desired state of every step as the template annotation `berth.io/restartedAt`; the
 * template hash covers annotations (hash.ts), so the pods are replaced by the ordinary
 * rollout rules, and they stay replaced across passes and restarts of berth.
 */
import { assignHashes } from './hash';
import type { DesiredState } from './types';
import { resourceKey } from './types';

export const RESTARTED_AT = 'berth.io/restartedAt';

/** Workload key (`Deployment/ns/name`) -> ISO time of the restart asked for. */
export type Restarts = Readonly<Record<string, string>>;

/** `desired` with the restart annotations laid over (a copy when any applies; else `desired` itself). */
export function withRestarts(desired: DesiredState, restarts: Restarts): DesiredState {
  const applies = (key: string) => restarts[key] !== undefined;
  const hit = [...desired.deployments, ...desired.statefulSets, ...desired.daemonSets, ...desired.pods].some((w) => applies(resourceKey(w)));
  if (!hit) return desired;
  const copy = structuredClone(desired);
  for (const w of [...copy.deployments, ...copy.statefulSets, ...copy.daemonSets]) {
    const at = restarts[resourceKey(w)];
    if (at) w.template.annotations = { ...w.template.annotations, [RESTARTED_AT]: at };
  }
  for (const p of copy.pods) {
    const at = restarts[resourceKey(p)];
    if (at) p.meta.annotations = { ...p.meta.annotations, [RESTARTED_AT]: at };
  }
  assignHashes(copy);
  return copy;
}
