/**
 * berth's own view of a container engine. Nothing outside `runtime/` sees a dockerode
 * type; engine errors become BerthError codes (404 -> E_NOT_FOUND, 409 -> E_CONFLICT,
 * unreachable -> E_ENGINE, failed pull -> E_PULL) here.
 */

export type Labels = Record<string, string>;

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** What one list call returns per container: enough to plan a no-op pass without inspect. */
export interface ContainerSummary {
  id: string;
  name: string; // without the leading '/'
  image: string;
  labels: Labels;
  state: ContainerState;
  /** Docker's human status, e.g. "Up 3 minutes", "Exited (1) 2 seconds ago" */
  status: string;
  createdAt: number; // unix seconds
  /** network name -> IPv4 address (empty string when not running) */
  networks: Record<string, string>;
  /**
   * network name -> the endpoint's aliases, when the runtime knows them. The planner uses
   * them to change a running pod's Service aliases without recreating it (`set-aliases`);
   * when absent it cannot tell and leaves aliases alone. Note: Docker's container list API
   * returns `Aliases: null` (checked on Engine 20.10), only inspect fills it.
   */
  aliases?: Record<string, string[]>;
}

/** What inspect adds: needed for health, not for planning. */
export interface ContainerDetails extends ContainerSummary {
  restartCount: number;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedAt?: string;
  finishedAt?: string;
  pid: number;
}

export type NetworkMode =
  | { type: 'network'; network: string; aliases: string[] }
  | { type: 'container'; container: string } // join another container's network namespace
  | { type: 'host' }
  | { type: 'none' };

export interface Mount {
  type: 'volume' | 'bind' | 'tmpfs';
  source: string; // volume name or host path; ignored for tmpfs
  target: string;
  readOnly: boolean;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostPort: number;
  hostIp: string; // '' = all addresses
}

export interface ContainerCreateSpec {
  name: string;
  image: string;
  labels: Labels;
  /** Kubernetes `command` overrides the image ENTRYPOINT; `args` overrides CMD. */
  entrypoint?: string[];
  cmd?: string[];
  env: string[]; // KEY=value
  workingDir?: string;
  hostname?: string;
  domainname?: string;
  network: NetworkMode;
  mounts: Mount[];
  ports: PortBinding[];
  memoryBytes?: number;
  nanoCpus?: number;
  /** GPUs to request from the engine (`docker run --gpus N`): a DeviceRequest. */
  gpus?: number;
  restartPolicy: 'no' | 'always' | 'on-failure' | 'unless-stopped';
  /** With `on-failure`: restart at most this often (absent: without limit). */
  maxRetries?: number;
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  user?: string;
  /** Supplementary groups (pod securityContext.supplementalGroups): HostConfig.GroupAdd. */
  groupAdd?: string[];
  /** HostConfig.SecurityOpt: `no-new-privileges`, `seccomp=unconfined`. */
  securityOpt?: string[];
  /**
   * Not sent to Docker: checked against the image's USER before the container is created, as
   * kubelet does at start (rollout/execute.ts, plan/security.ts `judgeImageUser`).
   */
  imageUserCheck?: ImageUserCheck;
  readOnlyRootfs: boolean;
  pidMode?: 'host';
  tty: boolean;
  openStdin: boolean;
  /** Seconds Docker waits after SIGTERM before SIGKILL on stop. */
  stopTimeout?: number;
  /** Extra /etc/hosts entries: "name:ip" */
  extraHosts: string[];
  /**
   * Names of the `env` entries whose value came from a Secret (directly, through envFrom, or
   * by `$(VAR)` expansion of one). Renderers and loggers must print them as `(secret)`.
   */
  secretEnv?: string[];
}

export interface ImageUserCheck {
  /** securityContext.runAsNonRoot: refuse an effective uid 0 or a user that cannot be verified. */
  runAsNonRoot: boolean;
  /** runAsGroup without runAsUser: the image's user with this group. */
  runAsGroup?: number;
}

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Labels;
}

export interface VolumeSummary {
  name: string;
  labels: Labels;
  mountpoint: string;
}

export interface ExecResult {
  exitCode: number;
  /** stdout and stderr interleaved, truncated to a few KiB */
  output: string;
}

export interface PullProgress {
  status: string;
  id?: string;
  current?: number;
  total?: number;
}

/** One sample of a container's resource use (runtime/stats.ts). */
export interface ContainerStats {
  /** Unix ms of the sample. */
  at: number;
  /** CPU time used since the container started (a counter). */
  cpuSeconds: number;
  /** Working set: usage minus inactive file cache. */
  memoryBytes: number;
  /** The memory limit the engine enforces (the host's memory when none was set). */
  memoryLimitBytes?: number;
  /** Bytes received and sent on the container's own networks (counters; 0 for one joined to another's). */
  rxBytes: number;
  txBytes: number;
}

export interface EngineEvent {
  type: 'container' | 'network' | 'volume' | 'image';
  action: string; // start, die, destroy, health_status, ...
  id: string;
  labels: Labels;
  time: number;
  /** `die`: the process's exit code. */
  exitCode?: number;
  /** `kill`: the signal sent (`15`, `9`, or its name). */
  signal?: string;
}

export interface Subscription {
  close(): void;
}

/** One line a container wrote, as the engine recorded it. */
export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** When the engine received the line: ISO 8601, millisecond precision (`2026-12-01T13:43:39.123Z`). */
  time: string;
  /** The line without its newline (nor the carriage return of a tty). */
  text: string;
}

export interface LogOptions {
  /** Keep the stream open for new lines while the container runs. */
  follow: boolean;
  /** Only the last N lines already written; undefined or negative: all of them. */
  tail?: number;
  /** Only lines written at or after this unix time, in seconds (fractions allowed). */
  sinceSeconds?: number;
}

/**
 * A container's log stream. `done` resolves when it has ended: every line given (no follow),
 * the container stopped (follow: the engine ends the stream then, a restart opens no new
 * one), or close() was called. It rejects with a BerthError when the engine refuses
 * (E_NOT_FOUND for a missing container) or the stream breaks.
 */
export interface LogStream extends Subscription {
  readonly done: Promise<void>;
}

export interface Runtime {
  ping(): Promise<void>;

  /** All containers (running or not) carrying every given label. One engine call. */
  listContainers(labels: Labels): Promise<ContainerSummary[]>;
  inspectContainer(idOrName: string): Promise<ContainerDetails>;
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`. A stopped container is not an error. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Remove (force). A missing container is not an error. */
  removeContainer(id: string): Promise<void>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  logs(id: string, tail: number): Promise<string>;
  /** stdout and stderr line by line, with the engine's timestamps, demultiplexed; see LogStream. */
  streamLogs(id: string, opts: LogOptions, onLine: (line: LogLine) => void): LogStream;
  exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** One sample of the container's resource use (one engine call, no stream); zeros when it does not run. */
  stats(id: string): Promise<ContainerStats>;

  listNetworks(labels: Labels): Promise<NetworkSummary[]>;
  createNetwork(name: string, labels: Labels): Promise<void>;
  /** A missing network is not an error. */
  removeNetwork(name: string): Promise<void>;
  connectNetwork(network: string, container: string, aliases: string[]): Promise<void>;
  disconnectNetwork(network: string, container: string): Promise<void>;

  listVolumes(labels: Labels): Promise<VolumeSummary[]>;
  createVolume(name: string, labels: Labels): Promise<void>;
  /** A missing volume is not an error. */
  removeVolume(name: string): Promise<void>;

  /** true when the image is present locally. */
  hasImage(ref: string): Promise<boolean>;
  /** The image's configured USER (`Config.User`, '' when unset); E_NOT_FOUND when absent. */
  imageUser(ref: string): Promise<string>;
  /** Pull, reporting progress; throws BerthError E_PULL naming the image on failure. */
  pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void>;

  /**
   * Events already past, since `sinceSeconds` (unix) until now, for objects carrying every
   * given label, oldest first. The engine keeps only its last 256 events of every object, in
   * memory (moby daemon/events/events.go, eventsLimit): older ones, and any before the engine
   * restarted, are gone.
   */
  pastEvents(labels: Labels, sinceSeconds: number): Promise<EngineEvent[]>;

  /** Engine requests made so far by activity and operation, where the runtime counts them. */
  requestCounts?(): Record<string, Record<string, number>>;

  /**
   * Requests sent so far that can change what a list shows, where the runtime counts them:
   * an applier may keep a list only while this stays the same (rollout/listCache.ts).
   */
  writes?(): number;

  /** Engine events for objects carrying every given label. */
  subscribe(labels: Labels, onEvent: (e: EngineEvent) => void, onError?: (err: Error) => void): Subscription;
}

/** Label keys, from DESIGN.md. */
export const LABEL = {
  managed: 'io.berth.managed',
  instance: 'io.berth.instance',
  namespace: 'io.berth.namespace',
  kind: 'io.berth.kind',
  owner: 'io.berth.owner',
  pod: 'io.berth.pod',
  container: 'io.berth.container',
  revision: 'io.berth.revision',
  specHash: 'io.berth.spec-hash',
  ordinal: 'io.berth.ordinal',
  /**
   * On a pod's network-owning container: the aliases it was created with, comma-separated.
   * Labels cannot change, so this is "at creation"; the planner uses it only when the
   * runtime does not report the current aliases (ContainerSummary.aliases).
   */
  aliases: 'io.berth.aliases',
  /**
   * On a pod's network-owning container: the pod's Kubernetes labels (JSON), so Services
   * select pods of an older template by their own labels. Never compared when planning.
   */
  podLabels: 'io.berth.pod-labels',
  /**
   * On every container of a pod: its terminationGracePeriodSeconds, so a pod whose workload
   * left the manifests (prune, `berth delete`) still stops with its own grace period.
   */
  grace: 'io.berth.grace',
  /**
   * On an app container with probes: its readiness and liveness probes and ports (JSON). A pod
   * carries its own probes, as a Kubernetes pod carries its spec: a pod of a template no
   * longer declared (a rollout interrupted by a newer commit) is still probed by its own
   * rules, never counted ready just because it runs. Never compared when planning.
   */
  probes: 'io.berth.probes',
  /**
   * On a pod's init containers: `init` (runs to completion before the app containers start)
   * or `sidecar` (an init container with restartPolicy Always: keeps running beside them).
   */
  init: 'io.berth.init',
  /** On a swarm service of a StatefulSet ordinal: the node that holds its volume (src/swarm/pin.ts). */
  node: 'io.berth.node',
} as const;
