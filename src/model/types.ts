/**
 * The typed, defaulted desired state: what a revision of the manifests declares.
 * Shapes follow the Kubernetes API (same field names) for the subset berth honours,
 * with every default applied, so later stages never have to guess.
 */

export type Kind =
  | 'Namespace'
  | 'Pod'
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Service'
  | 'ConfigMap'
  | 'Secret'
  | 'PersistentVolumeClaim'
  | 'Job'
  | 'CronJob'
  | 'Ingress'
  | 'IngressClass';

export const KINDS: readonly Kind[] = [
  'Namespace',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'Service',
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Ingress',
  'IngressClass',
  'Job',
  'CronJob',
];

export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job';

export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

export interface Meta {
  name: string;
  namespace: string; // 'default' when not given; Namespace objects use their own name
  labels: Record<string, string>;
  annotations: Record<string, string>;
  source: SourceRef;
}

export type IntOrString = number | string;

// ---------- pods ----------

export interface KeyRef {
  name: string;
  key: string;
  optional: boolean;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: KeyRef;
    secretKeyRef?: KeyRef;
    /** metadata.name, metadata.namespace, metadata.labels['x'], status.podIP, spec.nodeName ... */
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: ResourceFieldRef;
  };
}

/** A container's limit or request, as the downward API gives it: ceil(value / divisor). */
export interface ResourceFieldRef {
  /** Absent in env: the container itself. */
  containerName?: string;
  resource: 'limits.cpu' | 'limits.memory' | 'limits.ephemeral-storage' | 'requests.cpu' | 'requests.memory' | 'requests.ephemeral-storage';
  /** A quantity; '1' when not given. */
  divisor: string;
}

export interface DownwardAPIItem {
  path: string;
  fieldRef?: { fieldPath: string };
  resourceFieldRef?: ResourceFieldRef;
  mode?: number;
}

export type ProjectedSource =
  | { type: 'configMap'; name: string; items?: { key: string; path: string }[]; optional: boolean }
  | { type: 'secret'; name: string; items?: { key: string; path: string }[]; optional: boolean }
  | { type: 'downwardAPI'; items: DownwardAPIItem[] };
// serviceAccountToken, clusterTrustBundle and podCertificate sources come from a Kubernetes API that a Docker
// host does not have: schema/ignored.ts warns about them, and they are left out here.

export interface EnvFromSource {
  prefix: string;
  configMapRef?: { name: string; optional: boolean };
  secretRef?: { name: string; optional: boolean };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  /** SCTP is published by Docker like the others; no Service carries it (see service.json). */
  protocol: 'TCP' | 'UDP' | 'SCTP';
  hostPort?: number;
  hostIP?: string;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
}

export type ProbeHandler =
  | { type: 'exec'; command: string[] }
  | { type: 'httpGet'; path: string; port: IntOrString; scheme: 'HTTP' | 'HTTPS'; host?: string; httpHeaders: { name: string; value: string }[] }
  | { type: 'tcpSocket'; port: IntOrString; host?: string }
  /** The gRPC health-checking protocol; `service` '' asks about the server as a whole. */
  | { type: 'grpc'; port: number; service: string };

export interface Probe {
  handler: ProbeHandler;
  initialDelaySeconds: number; // 0
  periodSeconds: number; // 10
  timeoutSeconds: number; // 1
  successThreshold: number; // 1
  failureThreshold: number; // 3
}

export interface Resources {
  /** Limits as Docker wants them: bytes and nano-CPUs. */
  limits: { memoryBytes?: number; nanoCpus?: number; /** nvidia.com/gpu: a Docker GPU device request */ gpus?: number };
  requests: { memoryBytes?: number; nanoCpus?: number };
}

export interface SecurityContext {
  privileged: boolean;
  capabilitiesAdd: string[];
  capabilitiesDrop: string[];
  runAsUser?: number;
  runAsGroup?: number;
  readOnlyRootFilesystem: boolean;
  /** Refuse to start as uid 0 (kubelet's verifyRunAsNonRoot); the pod's value unless the container sets its own. */
  runAsNonRoot?: boolean;
  /** The pod's supplementalGroups (a pod-level field, applied to every container). */
  supplementalGroups?: number[];
  /** false: Docker's no-new-privileges. */
  allowPrivilegeEscalation?: boolean;
  /** The container's or else the pod's seccompProfile.type. */
  seccompProfile?: 'RuntimeDefault' | 'Unconfined' | 'Localhost';
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never'; // Always for :latest / no tag, else IfNotPresent
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: EnvVar[];
  envFrom: EnvFromSource[];
  ports: ContainerPort[];
  volumeMounts: VolumeMount[];
  resources: Resources;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  securityContext: SecurityContext;
  stdin: boolean;
  tty: boolean;
  /** Init containers only: `Always` makes it a native sidecar (started in order, never waited for). */
  restartPolicy?: 'Always';
}

export type VolumeSource =
  | { type: 'emptyDir'; medium: '' | 'Memory' }
  /**
   * `name` here is the same property as `Volume.name` (the volume's own name, which is what
   * volumeMounts refer to); the ConfigMap's name is `configMapName`.
   */
  | { type: 'configMap'; name: string; configMapName: string; items?: { key: string; path: string }[]; defaultMode: number; optional: boolean }
  | { type: 'secret'; secretName: string; items?: { key: string; path: string }[]; defaultMode: number; optional: boolean }
  | { type: 'persistentVolumeClaim'; claimName: string; readOnly: boolean }
  | { type: 'hostPath'; path: string }
  | { type: 'downwardAPI'; items: DownwardAPIItem[]; defaultMode: number }
  | { type: 'projected'; sources: ProjectedSource[]; defaultMode: number };

export type Volume = { name: string } & VolumeSource;

export interface PodSpec {
  containers: Container[];
  initContainers: Container[];
  volumes: Volume[];
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds: number; // 30
  hostname?: string;
  subdomain?: string;
  hostNetwork: boolean;
  hostPID: boolean;
  /** Placement on node labels: the swarm engine's constraints; ignored (with a warning) on one host. */
  nodeSelector?: Record<string, string>;
  /** `affinity.nodeAffinity`, as written: the swarm engine maps what its constraints can say; ignored on one host. */
  nodeAffinity?: NodeAffinity;
}

/** Kubernetes' NodeSelectorRequirement: `key`, an operator, its values. */
export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values: string[];
}

export interface NodeAffinity {
  /** requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: any one term must hold (OR), each term's expressions all (AND). */
  required: { matchExpressions: NodeSelectorRequirement[]; matchFields: NodeSelectorRequirement[] }[];
  /** How many preferredDuringSchedulingIgnoredDuringExecution terms there are (weights; no swarm counterpart). */
  preferred: number;
}

export interface PodTemplate {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values: string[] }[];
}

// ---------- resources ----------

export interface NamespaceResource {
  kind: 'Namespace';
  meta: Meta;
}

export interface ConfigMapResource {
  kind: 'ConfigMap';
  meta: Meta;
  data: Record<string, string>;
  /** base64 as in the manifest */
  binaryData: Record<string, string>;
}

export interface SecretResource {
  kind: 'Secret';
  meta: Meta;
  type: string; // Opaque
  /** Every value base64-encoded; `stringData` has been merged in (it wins, as in Kubernetes). */
  data: Record<string, string>;
}

export interface PersistentVolumeClaimResource {
  kind: 'PersistentVolumeClaim';
  meta: Meta;
  accessModes: string[];
  storageBytes?: number;
  storageClassName?: string;
}

export interface PodResource {
  kind: 'Pod';
  meta: Meta;
  spec: PodSpec;
  /** Hash of the pod spec plus the content of the ConfigMaps/Secrets it uses. */
  specHash: string;
}

export type DeploymentStrategy =
  | { type: 'RollingUpdate'; maxSurge: IntOrString; maxUnavailable: IntOrString } // 25% / 25%
  | { type: 'Recreate' };

export interface DeploymentResource {
  kind: 'Deployment';
  meta: Meta;
  replicas: number; // 1
  selector: LabelSelector;
  template: PodTemplate;
  strategy: DeploymentStrategy;
  minReadySeconds: number; // 0
  progressDeadlineSeconds: number; // 600
  revisionHistoryLimit: number; // 10
  paused: boolean;
  /** Hash of the pod template plus the content of the ConfigMaps/Secrets it uses. */
  templateHash: string;
}

export interface VolumeClaimTemplate {
  name: string;
  accessModes: string[];
  storageBytes?: number;
  storageClassName?: string;
}

export interface StatefulSetResource {
  kind: 'StatefulSet';
  meta: Meta;
  replicas: number; // 1
  serviceName: string;
  selector: LabelSelector;
  template: PodTemplate;
  volumeClaimTemplates: VolumeClaimTemplate[];
  podManagementPolicy: 'OrderedReady' | 'Parallel';
  updateStrategy: { type: 'RollingUpdate'; partition: number } | { type: 'OnDelete' };
  minReadySeconds: number;
  /** StatefulSets have no progressDeadlineSeconds in Kubernetes; berth uses 600 s (annotation `berth.io/progress-deadline-seconds` overrides). */
  progressDeadlineSeconds: number;
  templateHash: string;
}

/** What a Job runs; a CronJob's jobTemplate holds the same (docs/jobs.md). */
export interface JobSpec {
  /** undefined: a work queue (done when one pod succeeded and none runs), as Kubernetes without completions. */
  completions?: number;
  parallelism: number; // 1
  backoffLimit: number; // 6
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  completionMode: 'NonIndexed' | 'Indexed';
  suspend: boolean;
  /** restartPolicy is Never or OnFailure (checked when normalising). */
  template: PodTemplate;
  /** Rules for a failed pod, first match wins (restartPolicy Never only, as Kubernetes). */
  podFailurePolicy?: PodFailureRule[];
  /** Indexed only: the Job succeeds when one rule is met (Kubernetes' SuccessCriteriaMet). */
  successPolicy?: SuccessRule[];
  /** Indexed only: failures each index may have before it is failed for good. */
  backoffLimitPerIndex?: number;
  /** With backoffLimitPerIndex: more failed indexes than this fail the Job at once. */
  maxFailedIndexes?: number;
  /**
   * Hash of what makes a run: the pod template (with the ConfigMaps/Secrets it uses),
   * completions, completionMode and backoffLimit. A new hash is a new run (docs/jobs.md).
   */
  templateHash: string;
}

export type PodFailureAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailureRule {
  action: PodFailureAction;
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  /** Kubernetes' pod conditions (DisruptionTarget, ConfigIssue, ...); see jobs/policy.ts. */
  onPodConditions?: { type: string; status: string }[];
}

export interface SuccessRule {
  /** Parsed from "0,2-3". */
  succeededIndexes?: number[];
  succeededCount?: number;
}

export interface JobResource extends JobSpec {
  kind: 'Job';
  meta: Meta;
  /** A Job a CronJob created: its name and the schedule time it ran for (unix ms); `remove`: discarded by it. */
  createdBy?: { cronJob: string; scheduledTime: number; remove?: boolean };
}

export interface CronJobResource {
  kind: 'CronJob';
  meta: Meta;
  /** Five fields (or a @macro); six (seconds first) only as a berth extension, with a warning. */
  schedule: string;
  timeZone?: string;
  concurrencyPolicy: 'Allow' | 'Forbid' | 'Replace';
  suspend: boolean;
  startingDeadlineSeconds?: number;
  successfulJobsHistoryLimit: number; // 3
  failedJobsHistoryLimit: number; // 1
  jobTemplate: { labels: Record<string, string>; annotations: Record<string, string>; spec: JobSpec };
}

/**
 * One pod on this host (a multi-host engine would run one per node). Kubernetes' defaults:
 * RollingUpdate with maxUnavailable 1, maxSurge 0.
 */
export type DaemonSetStrategy = { type: 'RollingUpdate'; maxSurge: IntOrString; maxUnavailable: IntOrString } | { type: 'OnDelete' };

export interface DaemonSetResource {
  kind: 'DaemonSet';
  meta: Meta;
  selector: LabelSelector;
  template: PodTemplate;
  updateStrategy: DaemonSetStrategy;
  minReadySeconds: number; // 0
  /** DaemonSets have no progressDeadlineSeconds in Kubernetes; berth uses 600 s (annotation `berth.io/progress-deadline-seconds` overrides). */
  progressDeadlineSeconds: number;
  templateHash: string;
}

export interface ServicePort {
  name?: string;
  protocol: 'TCP' | 'UDP';
  port: number;
  targetPort: IntOrString; // defaults to port
  nodePort?: number;
}

export interface ServiceResource {
  kind: 'Service';
  meta: Meta;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** 'None' for a headless service */
  clusterIP?: string;
  selector: Record<string, string>;
  ports: ServicePort[];
  externalName?: string;
}

import type { IngressClassResource, IngressResource } from './ingressTypes';
export type { IngressBackend, IngressClassResource, IngressPath, IngressResource, IngressRule } from './ingressTypes';

export type Resource =
  | NamespaceResource
  | ConfigMapResource
  | SecretResource
  | PersistentVolumeClaimResource
  | PodResource
  | DeploymentResource
  | StatefulSetResource
  | ServiceResource
  | JobResource
  | CronJobResource
  | DaemonSetResource
  | IngressResource
  | IngressClassResource;

export type WorkloadResource = PodResource | DeploymentResource | StatefulSetResource | DaemonSetResource | JobResource;

/** Everything a revision declares, by kind, each list sorted by namespace then name. */
export interface DesiredState {
  namespaces: NamespaceResource[]; // includes the implicit `default`
  configMaps: ConfigMapResource[];
  secrets: SecretResource[];
  persistentVolumeClaims: PersistentVolumeClaimResource[];
  services: ServiceResource[];
  pods: PodResource[];
  deployments: DeploymentResource[];
  statefulSets: StatefulSetResource[];
  jobs: JobResource[];
  cronJobs: CronJobResource[];
  daemonSets: DaemonSetResource[];
  ingresses: IngressResource[];
  ingressClasses: IngressClassResource[];
  /** What came from sops files (absent: none did). */
  sealed?: SealedMaterial;
  /**
   * resourceKey -> HMAC of the data of each Secret and sealed ConfigMap, keyed with the
   * instance's key (secrets/hashKey.ts): what pod hashes cover instead of the values, so a
   * label is no fingerprint of a Secret. Absent when no key was given (nothing is applied).
   */
  contentDigests?: Record<string, string>;
}

/** Resources read from sops files, and the plaintexts that were encrypted in git. */
export interface SealedMaterial {
  /** Redacted wherever berth prints, like Secret values. */
  values: string[];
  /** resourceKey of every resource read from a sops file. */
  keys: string[];
}

export function resourceKey(r: { kind: Kind; meta: { namespace: string; name: string } }): string {
  return r.kind === 'Namespace' ? `Namespace/${r.meta.name}` : `${r.kind}/${r.meta.namespace}/${r.meta.name}`;
}

/** The workloads that run pods from a template: Deployments, StatefulSets, DaemonSets. */
export function templatedWorkloads(d: DesiredState): (DeploymentResource | StatefulSetResource | DaemonSetResource)[] {
  return [...d.deployments, ...d.statefulSets, ...d.daemonSets];
}

export function allResources(d: DesiredState): Resource[] {
  return [
    ...d.namespaces,
    ...d.configMaps,
    ...d.secrets,
    ...d.persistentVolumeClaims,
    ...d.services,
    ...d.pods,
    ...d.deployments,
    ...d.statefulSets,
    ...d.jobs,
    ...d.cronJobs,
    ...d.daemonSets,
    ...d.ingresses,
    ...d.ingressClasses,
  ];
}

export function emptyDesiredState(): DesiredState {
  return {
    namespaces: [],
    configMaps: [],
    secrets: [],
    persistentVolumeClaims: [],
    services: [],
    pods: [],
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    ingresses: [],
    ingressClasses: [],
    jobs: [],
    cronJobs: [],
  };
}
