/**
 * The planner's inputs and outputs. Actions are plain data (no methods) so they can be
 * logged, rendered (render.ts), serialised (redact.ts) and executed by another module.
 */
import type { PodSpec, WorkloadKind } from '../model';
import type { ObservedPod } from '../observe';
import type { ContainerCreateSpec, Labels } from '../runtime';
import type { JobStatus } from '../jobs';

export interface PlanContext {
  /** `io.berth.instance`; lowercase letters, digits and '-' (so Docker names never collide). */
  instance: string;
  /** Git sha (or content hash) written to `io.berth.revision`; never compared. */
  revision: string;
  /** ConfigMap files live under `<stateDir>/files/<instance>/...`. */
  stateDir: string;
  /**
   * A tmpfs (secrets/tmpfs.ts): Secret files live under `<secretsDir>/<instance>/<ns>/<pod>/`.
   * Planning alone (diff) may leave it out; the executor writes Secret files only to a tmpfs.
   */
  secretsDir?: string;
  /** Image of the infra container of multi-container pods. */
  pauseImage: string;
  /** Entrypoint of the infra container; the pause image's own when absent. */
  pauseCommand?: string[];
  /** Remove what the desired state no longer declares (pods, emptyDirs, networks). */
  prune: boolean;
  /**
   * ClusterIP Services get an anchor container holding their names (see anchors.ts) instead
   * of aliases on the selected pods; berth's proxy forwards from its network namespace.
   */
  serviceAnchors?: boolean;
  /**
   * Each Job's status by key (jobs/status.ts), with the clock and the records of finished
   * runs; absent: judged from the observed pods alone, without a clock.
   */
  jobs?: ReadonlyMap<string, JobStatus>;
  /**
   * This host as a Kubernetes node: what the downward API gives for a limit a container does
   * not set (node allocatable). Absent: such values are '' with a warning.
   */
  node?: { nanoCpus: number; memoryBytes: number };
}

/** What owns a desired pod: a workload, or a Service (its anchor). */
export type PodOwnerKind = WorkloadKind | 'Service';

export const DEFAULT_PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** A pod that should exist, expanded from a Pod, a Deployment replica or a StatefulSet ordinal. */
export interface DesiredPod {
  /** Resource key of the workload: `Deployment/default/web`. */
  key: string;
  kind: PodOwnerKind;
  owner: string;
  namespace: string;
  name: string;
  /** Set on a Service's anchor pod: the Service's name (its only aliases). */
  serviceAnchor?: string;
  /** The pod's Kubernetes labels (Services select on them). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: PodSpec;
  specHash: string;
  /** StatefulSet ordinal. */
  ordinal?: number;
  /** Deployment replica slot (0-based); scale-down removes the highest. */
  slot?: number;
  hostname: string;
  subdomain?: string;
  /** Pod volume name -> claim name, for StatefulSet volumeClaimTemplates. */
  claimTemplates: Record<string, string>;
  /** false for StatefulSet pods held back by `OnDelete` or below `partition`, and for Job pods. */
  replaceOnSpecChange: boolean;
  /** A Job's backoffLimit: restartPolicy OnFailure restarts a container at most this often (0: never). */
  restartLimit?: number;
  /** A Job's completions (a label for `berth get jobs`). */
  jobCompletions?: number;
  /** An Indexed Job's pod: its index, in the env as JOB_COMPLETION_INDEX (also as `ordinal`). */
  completionIndex?: number;
}

/** Pairing (which pods should exist) kept apart from ordering, so a rollout planner can reuse it. */
export type PodPair =
  | { type: 'create'; desired: DesiredPod; reason: CreateReason }
  | { type: 'replace'; desired: DesiredPod; observed: ObservedPod; reason: 'spec-changed' | 'broken'; detail: string }
  | { type: 'unchanged'; desired: DesiredPod; observed: ObservedPod }
  | { type: 'delete'; observed: ObservedPod; key: string; reason: DeleteReason };

/** new: nothing of the workload runs; added: a replica/ordinal more; rollout: pods of a new template hash. */
export type CreateReason = 'new' | 'added' | 'rollout';
/** superseded: an old template hash; scaled-down: a slot/ordinal beyond replicas; orphan: workload gone. */
export type DeleteReason = 'superseded' | 'scaled-down' | 'orphan';

export interface VolumeCreate {
  name: string;
  labels: Labels;
}

export interface ImagePull {
  image: string;
  policy: 'Always' | 'IfNotPresent' | 'Never';
}

export interface FileEntry {
  /** Relative path inside the directory (a key, or an item's `path`). */
  path: string;
  contentBase64: string;
  mode: number;
}

/** Why a pod is created or removed; the renderer groups on it. */
export type PodCreateReason = CreateReason | 'replace' | 'repair';
export type PodRemoveReason = DeleteReason | 'replace' | 'repair';

export type Action =
  | { type: 'create-network'; key: string; name: string; labels: Labels }
  | { type: 'remove-network'; key: string; name: string }
  /** PVC volumes (declared claims and StatefulSet claim templates). */
  | { type: 'create-volume'; key: string; name: string; labels: Labels }
  /** Leftover emptyDir volumes whose pod is gone. PVC volumes are never removed. */
  | { type: 'remove-volume'; key: string; name: string }
  /** Idempotent: write `files` into `dir` (content-addressed) unless it is complete already. */
  | { type: 'write-files'; key: string; dir: string; secret: boolean; files: FileEntry[] }
  | CreatePodAction
  | RemovePodAction
  | StartPodAction
  | SetAliasesAction;

/** Start containers stopped by hand (infra first). */
export interface StartPodAction {
  type: 'start-pod';
  key: string;
  namespace: string;
  pod: string;
  containerIds: string[];
  /** Their container names (`io.berth.container`), for display. */
  containers: string[];
}

/** Disconnect and reconnect `container` (a name) on `network` with `aliases`. */
export interface SetAliasesAction {
  type: 'set-aliases';
  key: string;
  namespace: string;
  pod: string;
  container: string;
  network: string;
  aliases: string[];
  /** The aliases the engine reported (engine-made ones left out). */
  previous: string[];
}

export interface CreatePodAction {
  type: 'create-pod';
  key: string;
  namespace: string;
  pod: string;
  kind: PodOwnerKind;
  owner: string;
  specHash: string;
  ordinal?: number;
  reason: PodCreateReason;
  /** Infra container of a multi-container pod: created and started first. */
  infra?: ContainerCreateSpec;
  /** App containers, in start order. */
  containers: ContainerCreateSpec[];
  /**
   * Init containers and sidecars in spec order: all created with the pod, started in order
   * (execute.ts, then initSteps.ts at later passes); the app containers are created with them
   * but started only once every regular init container has exited 0. Absent: none.
   */
  init?: ContainerCreateSpec[];
  /** emptyDir volumes the pod owns: created (if missing) before its containers. */
  volumes: VolumeCreate[];
  /** Images of the infra and app containers with their imagePullPolicy, each image once. */
  pulls: ImagePull[];
}

export interface RemovePodAction {
  type: 'remove-pod';
  key: string;
  namespace: string;
  pod: string;
  ordinal?: number;
  /** App containers first, then init containers and sidecars, the infra container last. */
  containerIds: string[];
  /** The sidecars among them: stopped once the app containers have stopped (as kubelet does). */
  sidecarIds?: string[];
  /** SIGTERM, then SIGKILL after this many seconds. */
  graceSeconds: number;
  reason: PodRemoveReason;
  /** Why a pod is repaired: "container web missing". */
  detail?: string;
  /** The spec hash it was created from. */
  specHash: string;
  /** container name -> image, as observed (for the diff). */
  images: Record<string, string>;
  /** Its emptyDir volumes, removed after its containers. */
  volumes: string[];
}

/** A creation left out of the plan because a terminating pod still holds the name. */
export interface HeldCreate {
  key: string;
  pod: string;
  /** Unix ms: when that pod is killed at the latest. */
  deadline: number;
}

export interface Plan {
  actions: Action[];
  warnings: string[];
  held: HeldCreate[];
}
