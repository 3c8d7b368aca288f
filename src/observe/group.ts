/** Pure grouping of listed containers into pods, by their io.berth.* labels. */
import { LABEL, type ContainerSummary } from '../runtime';
import type { ObservedPod } from './types';
import { compareText } from '../util';

/** The value of `io.berth.container` that marks a pod's infra (network-holding) container. */
export const INFRA_CONTAINER = 'POD';

/**
 * Group containers into pods by (namespace, pod) labels. Containers lacking either label are
 * not pods berth made and are left out. Output is sorted by namespace, then pod name, and
 * each pod's containers by container name, so planning over it is deterministic.
 */
export function groupPods(containers: readonly ContainerSummary[]): ObservedPod[] {
  const byPod = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    const ns = c.labels[LABEL.namespace];
    const pod = c.labels[LABEL.pod];
    if (!ns || !pod) continue;
    const key = `${ns}/${pod}`;
    const list = byPod.get(key);
    if (list) list.push(c);
    else byPod.set(key, [c]);
  }
  const pods = [...byPod.values()].map(toPod);
  return pods.sort((a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name));
}

function toPod(list: ContainerSummary[]): ObservedPod {
  const sorted = [...list].sort((a, b) => compareText(containerOf(a), containerOf(b)) || compareText(a.id, b.id));
  const infra = sorted.find((c) => containerOf(c) === INFRA_CONTAINER);
  const init = sorted.filter((c) => c !== infra && c.labels[LABEL.init] !== undefined);
  const containers = sorted.filter((c) => c !== infra && c.labels[LABEL.init] === undefined);
  // The infra container is created first, so its labels are the pod's; a pod made only of
  // an infra container (its app containers removed by hand) still has one.
  const first = infra ?? containers[0] ?? init[0];
  const l = first.labels;
  const pod: ObservedPod = {
    namespace: l[LABEL.namespace],
    name: l[LABEL.pod],
    kind: l[LABEL.kind] ?? '',
    owner: l[LABEL.owner] ?? '',
    specHash: l[LABEL.specHash] ?? '',
    revision: l[LABEL.revision] ?? '',
    containers,
  };
  const ordinal = parseOrdinal(l[LABEL.ordinal]);
  if (ordinal !== undefined) pod.ordinal = ordinal;
  if (infra) pod.infra = infra;
  if (init.length > 0) pod.init = init;
  return pod;
}

export function containerOf(c: ContainerSummary): string {
  return c.labels[LABEL.container] ?? '';
}

function parseOrdinal(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}
