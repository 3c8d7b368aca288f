/** What the HTTP API shows: the reconciler's status, never its internals. */
import type { ProxyStatus } from '../proxy';

export type HealthCode = 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Unknown' | 'Suspended';

export interface ResourceStatus {
  kind: string;
  namespace: string;
  name: string;
  health: HealthCode;
  /** A sentence a person reads: "2 of 3 updated replicas are available". */
  message: string;
  /** During a rollout: the step that waits and why ("rolling update: 5 pod(s) (at most 5), ..."). */
  waiting?: string;
}

/** A pod being removed: out of every Service, stopping; killed when `secondsLeft` reaches 0. */
export interface TerminatingStatus {
  /** Resource key of the workload it belonged to. */
  key: string;
  namespace: string;
  name: string;
  secondsLeft: number;
}

export interface StatusSnapshot {
  instance: string;
  source: { repo: string; branch: string; path: string };
  /** What the loop is doing now. */
  phase: 'starting' | 'idle' | 'validating' | 'applying' | 'rolling-back' | 'error';
  /** The newest commit berth has looked at, and what became of it. */
  lastAttemptedRevision?: { sha: string; status: string; reason?: string };
  /** The revision that runs: the last commit that succeeded. */
  lastAppliedRevision?: string;
  resources: ResourceStatus[];
  /** Pods terminating (Kubernetes' deletionTimestamp): they count toward nothing. */
  terminating?: TerminatingStatus[];
  lastSyncAt?: string;
  lastError?: string;
  /** Host listeners of NodePort/LoadBalancer Services and their ready endpoints (the proxy's view). */
  services?: ProxyStatus;
}
