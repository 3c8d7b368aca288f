/**
 * berth's view of a Swarm manager: services, tasks, nodes, configs, secrets and overlay
 * networks. The shapes are the Engine API's (field names kept, so a reader can check them
 * against docs.docker.com/engine/api), cut to what berth sets and reads; nothing outside
 * `runtime/` sees a dockerode type.
 */
import type { Labels } from '../types';

export interface SwarmMount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: { Labels?: Labels };
}

export interface SwarmFileRef {
  File: { Name: string; UID: string; GID: string; Mode: number };
  /** Id and name of the swarm config (or secret). */
  ConfigID?: string;
  ConfigName?: string;
  SecretID?: string;
  SecretName?: string;
}

export interface SwarmHealthCheck {
  Test: string[];
  /** Nanoseconds, as the Engine API wants them. */
  Interval: number;
  Timeout: number;
  Retries: number;
  StartPeriod: number;
}

export interface SwarmPort {
  Protocol: 'tcp' | 'udp';
  TargetPort: number;
  PublishedPort: number;
  /** Always `host` here: this kernel family may lack IPVS, which the routing mesh needs (docs/swarm.md). */
  PublishMode: 'host' | 'ingress';
}

export interface SwarmUpdateConfig {
  Parallelism: number;
  Delay: number;
  FailureAction: 'pause' | 'continue' | 'rollback';
  Monitor: number;
  MaxFailureRatio: number;
  Order: 'stop-first' | 'start-first';
}

export interface SwarmServiceSpec {
  Name: string;
  Labels: Labels;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Labels: Labels;
      Command?: string[];
      Args?: string[];
      Env: string[];
      Dir?: string;
      User?: string;
      Hostname?: string;
      Mounts: SwarmMount[];
      HealthCheck?: SwarmHealthCheck;
      StopGracePeriod: number;
      Configs: SwarmFileRef[];
      Secrets: SwarmFileRef[];
      TTY?: boolean;
      OpenStdin?: boolean;
      ReadOnly?: boolean;
    };
    Resources: {
      Limits: { NanoCPUs?: number; MemoryBytes?: number };
      Reservations: { NanoCPUs?: number; MemoryBytes?: number };
    };
    RestartPolicy: { Condition: 'none' | 'on-failure' | 'any'; Delay: number; MaxAttempts: number };
    Placement: { Constraints: string[] };
    Networks: { Target: string; Aliases: string[] }[];
    /** Bumped to make the swarm replace every task without another change (a restart). */
    ForceUpdate: number;
  };
  Mode: { Replicated: { Replicas: number } } | { Global: Record<string, never> };
  UpdateConfig: SwarmUpdateConfig;
  EndpointSpec: { Mode: 'vip' | 'dnsrr'; Ports: SwarmPort[] };
}

export type UpdateState = 'updating' | 'paused' | 'completed' | 'rollback_started' | 'rollback_paused' | 'rollback_completed';

export interface SwarmService {
  id: string;
  /** The object version an update must name (optimistic concurrency). */
  version: number;
  spec: SwarmServiceSpec;
  update?: { state: UpdateState; message: string };
}

export type TaskState =
  | 'new'
  | 'allocated'
  | 'pending'
  | 'assigned'
  | 'accepted'
  | 'preparing'
  | 'ready'
  | 'starting'
  | 'running'
  | 'complete'
  | 'shutdown'
  | 'failed'
  | 'rejected'
  | 'remove'
  | 'orphaned';

/**
 * With a HealthCheck in its spec a task stays `starting` until the check passes (swarmkit's
 * container adapter waits for `healthy`), so `running` means ready: readiness is the swarm's.
 */
export interface SwarmTask {
  id: string;
  serviceId: string;
  nodeId: string;
  /** The replica's number (replicated services), 0 for global ones. */
  slot: number;
  state: TaskState;
  desiredState: TaskState;
  /** Why a task is pending or failed: "no suitable node (insufficient resources on 3 nodes)". */
  message: string;
  error: string;
  /** The service spec's labels the task was made from: io.berth.spec-hash tells old from new. */
  specLabels: Labels;
  containerId?: string;
  createdAt: number;
}

export interface SwarmNode {
  id: string;
  hostname: string;
  labels: Labels;
  state: 'unknown' | 'down' | 'ready' | 'disconnected';
  availability: 'active' | 'pause' | 'drain';
  address: string;
  memoryBytes: number;
  nanoCpus: number;
}

/** A swarm config or secret: immutable, so berth names it by content hash. */
export interface SwarmFile {
  id: string;
  name: string;
  labels: Labels;
}

export interface SwarmNetwork {
  id: string;
  name: string;
  labels: Labels;
}
