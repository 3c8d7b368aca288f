/**
 * The pod of a DaemonSet: one on this host (a multi-host engine would expand one per node).
 * - RollingUpdate: the pod of the current template, named from its hash; whether the old
 *   pod goes first (maxSurge 0) or after (maxSurge > 0) is the rollout gate's decision
 *   (src/rollout/daemonset.ts).
 * - OnDelete: a live pod of the DaemonSet is kept whatever its template, as Kubernetes
 *   replaces it only once it is deleted (here: removed by hand, or found broken).
 */
import { resourceKey, type DaemonSetResource } from '../model';
import { daemonSetPodName } from './names';
import type { DesiredPod } from './types';

/** What expansion knows of the engine: live and terminating pod names, live pods per workload key. */
export interface DaemonSetNames {
  live: ReadonlySet<string>;
  terminating: ReadonlySet<string>;
  /** Workload key -> names of its live pods. */
  byOwner?: ReadonlyMap<string, readonly string[]>;
}

const ATTEMPTS = 8;

/** The current template's name: one a live pod already holds, else the first no terminating pod holds. */
function currentName(ds: DaemonSetResource, taken: DaemonSetNames): string {
  const id = (name: string) => `${ds.meta.namespace}/${name}`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const name = daemonSetPodName(ds.meta.name, ds.templateHash, attempt);
    if (taken.live.has(id(name))) return name;
  }
  for (let attempt = 0; ; attempt++) {
    const name = daemonSetPodName(ds.meta.name, ds.templateHash, attempt);
    if (!taken.terminating.has(id(name))) return name;
  }
}

export function fromDaemonSet(ds: DaemonSetResource, taken: DaemonSetNames): DesiredPod {
  const key = resourceKey(ds);
  const kept = ds.updateStrategy.type === 'OnDelete' ? [...(taken.byOwner?.get(key) ?? [])].sort()[0] : undefined;
  const name = kept ?? currentName(ds, taken);
  return {
    key,
    kind: 'DaemonSet',
    owner: ds.meta.name,
    namespace: ds.meta.namespace,
    name,
    labels: ds.template.labels,
    annotations: ds.template.annotations,
    spec: ds.template.spec,
    specHash: ds.templateHash,
    hostname: ds.template.spec.hostname ?? name,
    ...(ds.template.spec.subdomain ? { subdomain: ds.template.spec.subdomain } : {}),
    claimTemplates: {},
    replaceOnSpecChange: ds.updateStrategy.type === 'RollingUpdate',
  };
}
