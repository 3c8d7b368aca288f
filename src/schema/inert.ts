/**
 * Kinds that mean nothing on one Docker host: berth has no API server, scheduler, autoscaler
 * or network policy engine. Real repositories carry them next to their workloads (a single
 * ServiceAccount used to fail a whole repository), so they are checked against their own
 * schema (typos are still errors) and then accepted with one warning that says what is not
 * enforced. They never reach the model: nothing is created for them.
 */
export type InertKind =
  | 'ServiceAccount'
  | 'Role'
  | 'ClusterRole'
  | 'RoleBinding'
  | 'ClusterRoleBinding'
  | 'PodDisruptionBudget'
  | 'HorizontalPodAutoscaler'
  | 'NetworkPolicy'
  | 'LimitRange'
  | 'ResourceQuota'
  | 'StorageClass'
  | 'PriorityClass';

interface InertSpec {
  /** The apiVersions Kubernetes serves the kind at (the first is the one to suggest). */
  apiVersions: readonly string[];
  /** What a person is told: what is not enforced. */
  warning: string;
}

const RBAC = 'rbac.authorization.k8s.io/v1';
const NO_RBAC = 'berth has no Kubernetes API, so RBAC rules grant and deny nothing';

export const INERT_KINDS: Readonly<Record<InertKind, InertSpec>> = {
  ServiceAccount: { apiVersions: ['v1'], warning: 'no API token is mounted into pods and nothing is authorised by it' },
  Role: { apiVersions: [RBAC], warning: NO_RBAC },
  ClusterRole: { apiVersions: [RBAC], warning: NO_RBAC },
  RoleBinding: { apiVersions: [RBAC], warning: NO_RBAC },
  ClusterRoleBinding: { apiVersions: [RBAC], warning: NO_RBAC },
  PodDisruptionBudget: {
    apiVersions: ['policy/v1'],
    warning: 'the budget is not enforced: rollouts follow maxUnavailable/maxSurge only, and one host has no evictions',
  },
  HorizontalPodAutoscaler: {
    apiVersions: ['autoscaling/v2', 'autoscaling/v1'],
    warning: 'nothing is autoscaled: replicas stay as the workload declares them',
  },
  NetworkPolicy: {
    apiVersions: ['networking.k8s.io/v1'],
    warning: 'traffic is NOT restricted: every pod can still reach every other pod and the outside',
  },
  LimitRange: { apiVersions: ['v1'], warning: 'no default requests or limits are applied and no limit is checked' },
  ResourceQuota: { apiVersions: ['v1'], warning: 'no quota is counted or enforced' },
  StorageClass: {
    apiVersions: ['storage.k8s.io/v1'],
    warning: 'no provisioner runs: every PersistentVolumeClaim is a local Docker volume',
  },
  PriorityClass: { apiVersions: ['scheduling.k8s.io/v1'], warning: 'one host has no scheduler: priorities and preemption do nothing' },
};

export const INERT_KIND_NAMES = Object.keys(INERT_KINDS) as InertKind[];

export function isInertKind(value: unknown): value is InertKind {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(INERT_KINDS, value);
}

/** The one warning of an accepted inert document. */
export function inertWarning(kind: InertKind): string {
  return `${kind} is accepted but has no effect on a Docker host: ${INERT_KINDS[kind].warning}`;
}
