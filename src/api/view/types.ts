/**
 * The dashboard's application view (`GET /api/v1/view`, pushed on `GET /api/v1/events`):
 * Argo CD's resource tree for one berth instance. Built by a pure function from what the
 * operator last saw (view/build.ts); the browser bundle imports these types only.
 * Never a Secret value: Secrets show their keys, every string is scrubbed of the values.
 */
import type { HealthCode, StatusSnapshot } from '../types';
import type { HistoryJson } from '../../audit';
import type { ContainerUsage, WorkloadUsage } from '../../monitor';

/** Synced: the engine runs what the revision declares; OutOfSync: not (yet), `syncReason` says how. */
export type SyncCode = 'Synced' | 'OutOfSync';

export interface NodeState {
  health: HealthCode;
  /** A sentence: "2 of 3 updated replicas are available". */
  message: string;
  sync: SyncCode;
  /** Why it is out of sync, in words ("1 pod of an older template"); empty when synced. */
  syncReason: string;
}

export interface ContainerNode {
  name: string;
  image: string;
  /** created | running | exited | ... (the engine's word) */
  state: string;
  /** The engine's human status: "Up 3 minutes", "Exited (1) 2 seconds ago". */
  status: string;
}

export interface PodNode extends NodeState {
  namespace: string;
  name: string;
  ready: boolean;
  restarts: number;
  exitCode?: number;
  /** Why it is not ready: the probe error, the exit code. */
  reason?: string;
  /** Being removed: killed in this many seconds at the latest. */
  terminatingSecondsLeft?: number;
  containers: ContainerNode[];
}

/** The pods of one pod-template hash (Kubernetes' ReplicaSet). */
export interface TemplateNode {
  hash: string;
  /** The template the revision declares (the others are being replaced). */
  current: boolean;
  pods: PodNode[];
}

/** What paces a rollout now (Deployment RollingUpdate / StatefulSet ordering). */
export interface RolloutBounds {
  strategy: string;
  replicas: number;
  /** RollingUpdate: at most replicas + maxSurge pods... */
  maxPods?: number;
  /** ...and at least replicas - maxUnavailable available. */
  minAvailable?: number;
  /** The progress deadline of the rollout in progress: seconds left before it fails. */
  deadlineSecondsLeft?: number;
  progressDeadlineSeconds: number;
}

export interface WorkloadNode extends NodeState {
  kind: string;
  namespace: string;
  name: string;
  /** The rollout step held back and why. */
  waiting?: string;
  bounds?: RolloutBounds;
  /** When `berth rollout restart` (or the dashboard) last asked for new pods. */
  restartedAt?: string;
  templates: TemplateNode[];
  /** The ConfigMaps and Secrets its pods use (`ConfigMap/NAME`). */
  uses: string[];
}

export type EndpointState = 'ready' | 'not-ready' | 'terminating';

export interface EndpointNode {
  pod: string;
  ip: string;
  state: EndpointState;
  /** Open connections through berth's proxy (its ack), when it carries this Service. */
  connections?: number;
}

export interface ServiceNode extends NodeState {
  namespace: string;
  name: string;
  type: string;
  ports: string[];
  endpoints: EndpointNode[];
}

export interface ConfigNode extends NodeState {
  kind: 'ConfigMap' | 'Secret';
  namespace: string;
  name: string;
  /** Keys only: never a value. */
  keys: string[];
  /** Pods that use it. */
  usedBy: string[];
}

export interface AppView {
  instance: string;
  source: StatusSnapshot['source'];
  phase: StatusSnapshot['phase'];
  /** The application as a whole: synced to the head of the branch, or why not. */
  app: NodeState & { head?: string; running?: string };
  lastAttemptedRevision?: StatusSnapshot['lastAttemptedRevision'];
  lastSyncAt?: string;
  lastError?: string;
  selfHeal: { enabled: boolean; paused: boolean };
  /** Whether actions need a token (the page asks for it). */
  actions: { tokenRequired: boolean; writeBack: boolean };
  workloads: WorkloadNode[];
  services: ServiceNode[];
  configs: ConfigNode[];
  /** CPU, memory, network, restarts per container and per workload, from the engine's stats. */
  usage: { containers: ContainerUsage[]; workloads: WorkloadUsage[] };
  /** Built at (ISO): seconds left are as of this moment. */
  at: string;
}

/** What the SSE stream pushes, one `snapshot` event per change. */
export interface DashboardSnapshot {
  view: AppView;
  revisions: HistoryJson[];
}
