/**
 * Kubernetes' DaemonSet rolling update (pkg/controller/daemon/update.go rollingUpdate, and
 * podsShouldBeOnNode in daemon_controller.go) for the one node berth has. maxSurge and
 * maxUnavailable are scaled against 1 pod, rounding up; both 0 means 1 unavailable.
 * - maxSurge 0: the old pod is removed first (an unavailable one at once, an available one
 *   within maxUnavailable), and the new pod is created only once no pod of the DaemonSet is
 *   left on the node, terminating ones included ("shouldRun && !exists").
 * - maxSurge > 0: the new pod is created beside the old one; the old pod goes once the new
 *   one is available (minReadySeconds), or at once when the old one is not ready.
 * - OnDelete: nothing is paced; expansion keeps the live pod (src/plan/daemonset.ts).
 * Repairs and removals of extra pods of the current template are never held.
 */
import type { DaemonSetResource } from '../model';
import type { ObservedPod } from '../observe';
import type { CreatePodAction, RemovePodAction } from '../plan';
import { scaled, type ReadinessMap } from './strategy';

type PodAction = CreatePodAction | RemovePodAction;
export type DaemonGate = (actions: PodAction[]) => { allowed: PodAction[]; held?: string };

/** maxSurge and maxUnavailable for one node (update.go updatedDesiredNodeCounts). */
export function daemonFenceposts(ds: DaemonSetResource): { surge: number; unavailable: number } {
  if (ds.updateStrategy.type !== 'RollingUpdate') return { surge: 0, unavailable: 1 };
  const surge = scaled(ds.updateStrategy.maxSurge, 1, true);
  const unavailable = scaled(ds.updateStrategy.maxUnavailable, 1, true);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function daemonSetGate(ds: DaemonSetResource, pods: readonly ObservedPod[], terminating: readonly ObservedPod[], readiness: ReadinessMap): DaemonGate {
  const of = (p: { namespace: string; name: string }) => readiness.get(`${p.namespace}/${p.name}`);
  const fresh = pods.filter((p) => p.specHash === ds.templateHash);
  const old = pods.filter((p) => p.specHash !== ds.templateHash);
  const { surge, unavailable } = daemonFenceposts(ds);
  return (actions) => {
    if (ds.updateStrategy.type === 'OnDelete') return { allowed: actions };
    const passed = actions.filter((a) => a.reason === 'repair' || (a.type === 'remove-pod' && a.specHash === ds.templateHash));
    const creates = actions.filter((a) => !passed.includes(a) && a.type === 'create-pod');
    const removes = actions.filter((a) => !passed.includes(a) && a.type === 'remove-pod');
    const allowed = [...passed];
    let held: string | undefined;
    if (surge === 0) {
      // Old pods go within maxUnavailable (an unavailable one costs nothing; with the new pod
      // already there, nothing is left to protect); the new pod comes on an empty node.
      let budget = fresh.length > 0 ? removes.length : unavailable;
      for (const r of removes) {
        if (!of({ namespace: r.namespace, name: r.pod })?.available) allowed.push(r);
        else if (budget > 0) {
          budget--;
          allowed.push(r);
        } else held = `maxUnavailable ${unavailable}: ${r.pod} stays for now`;
      }
      const inTheWay = [...old, ...terminating].map((p) => p.name);
      if (inTheWay.length === 0) allowed.push(...creates);
      else if (creates.length > 0) held ??= `maxSurge 0: the new pod waits for ${[...new Set(inTheWay)].join(', ')} to go`;
      return { allowed, held };
    }
    // Surge: the new pod beside the old one, the old one out once the new one serves.
    allowed.push(...creates);
    const freshAvailable = fresh.some((p) => of(p)?.available);
    for (const r of removes) {
      const oldReady = of({ namespace: r.namespace, name: r.pod })?.ready === true;
      if (freshAvailable || !oldReady) allowed.push(r);
      else held = `maxSurge ${surge}: ${r.pod} stays until the new pod is available${ds.minReadySeconds ? ` (minReadySeconds ${ds.minReadySeconds})` : ''}`;
    }
    return { allowed, held };
  };
}
