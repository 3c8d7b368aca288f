/**
 * Observed state: what the engine runs for one berth instance, rebuilt from io.berth.*
 * labels alone (three list calls, no inspect), so the operator can resume after a crash.
 */
import type { ContainerSummary, NetworkSummary, VolumeSummary } from '../runtime';

/** The containers of one pod, grouped by their `io.berth.namespace` + `io.berth.pod` labels. */
export interface ObservedPod {
  namespace: string;
  name: string;
  /** `io.berth.kind`: Pod | Deployment | StatefulSet (a string: labels may say anything). */
  kind: string;
  /** `io.berth.owner`: the workload's name. */
  owner: string;
  /** `io.berth.spec-hash` of the infra container, else of the first app container by name. */
  specHash: string;
  /** `io.berth.revision`: the commit that created the pod; never compared when planning. */
  revision: string;
  /** `io.berth.ordinal` of StatefulSet pods. */
  ordinal?: number;
  /** The container labelled `io.berth.container=POD`, present in pods of several containers. */
  infra?: ContainerSummary;
  /** App containers, sorted by their `io.berth.container` label. */
  containers: ContainerSummary[];
  /** Init containers and sidecars (labelled `io.berth.init`), sorted by name; absent: none. */
  init?: ContainerSummary[];
}

/** A pod being removed (rollout/terminating.ts): it counts toward nothing, only its name is taken. */
export interface TerminatingPod extends ObservedPod {
  /** Unix ms: termination began; the pod is killed at `deadline` at the latest. */
  since: number;
  deadline: number;
}

export interface ObservedState {
  networks: NetworkSummary[];
  volumes: VolumeSummary[];
  /** Live pods: everything the planner and the rollout rules count. */
  pods: ObservedPod[];
  /** Pods terminating (absent: none). Their names, networks and volumes are still in use. */
  terminating?: TerminatingPod[];
}

export function emptyObservedState(): ObservedState {
  return { networks: [], volumes: [], pods: [] };
}

/** The workload an observed pod belongs to: `kind/namespace/owner`. */
export function observedKey(p: ObservedPod): string {
  return `${p.kind}/${p.namespace}/${p.owner}`;
}
