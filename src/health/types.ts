/** Health as Argo CD names it, per resource, with the reason in words. */
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
