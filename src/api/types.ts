/** What the HTTP API shows: the reconciler's status, never its internals. */
import type { HealthCode, ResourceStatus } from '../health';
import type { TerminatingStatus } from '../rollout';
import type { ProxyStatus } from '../services';

export type { HealthCode, ResourceStatus, TerminatingStatus };

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
