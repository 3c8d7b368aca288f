/** What the engine applier (applier.ts) is given, and what it keeps per rollout target. */
import type { Action, RemovePodAction } from '../plan';
import type { ObservedState } from '../observe';
import type { DesiredState } from '../model';
import type { CronScheduler } from '../jobs';
import type { PullProgress } from '../runtime';
import type { PodView, WorkloadHealth } from '../health';
import type { ImageEnsurer } from './images';
import type { ProgressClock } from './progress';
import type { HeldStep } from './strategy';

export interface ApplierOptions {
  instance: string;
  stateDir: string;
  secretsDir?: string; // root of Secret files, a tmpfs (secrets/tmpfs.ts)
  pauseImage: string;
  pauseCommand?: string[];
  prune: boolean;
  /** ClusterIP Services get anchors (PlanContext.serviceAnchors). */
  serviceAnchors?: boolean;
  /** Time between looks at the engine while waiting for readiness. */
  pollMs?: number;
  /**
   * probe() is called between steps (the operator's probe loop): steps then probe only pods
   * never probed, and leave the periodic probes to the loop. Without it (`berth apply`)
   * every step runs the probes that are due.
   */
  probeLoop?: boolean;
  /** Independent actions of a step run at most this many at once (runStep.ts). */
  concurrency?: number;
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Progress for a terminal: each action as it starts, health after each look. */
  onAction?(a: Action): void;
  onHealth?(h: WorkloadHealth[]): void;
  onPull?(image: string, p: PullProgress): void;
  /**
   * Before terminating pods are stopped (zero-downtime order): take them out of Service
   * endpoints and let open connections drain, within their grace period. Then SIGTERM.
   */
  beforeRemove?(pods: RemovePodAction[]): Promise<void>;
  /** Every look at the pods (each step, each probe()): for Service endpoints that follow readiness. */
  onViews?(desired: DesiredState, observed: ObservedState, views: PodView[]): Promise<void> | void;
  /** Rollout steps held back this turn and why (empty when nothing waits). */
  onWait?(held: HeldStep[]): void;
  /** Something a step may wait for happened: a pod finished terminating, a pod's readiness changed, a Job's deadline or TTL came. */
  onWake?(reason: 'terminated' | 'readiness' | 'job'): void;
  now?: () => number;
  /** `berth run` only: CronJobs start Jobs on their schedules (jobs/scheduler.ts). */
  cronScheduler?: CronScheduler;
}

/** What one target (revision + mode) has done so far. */
export interface TargetRun {
  id: string;
  clock: ProgressClock;
  actions: number;
  summary: string[];
  /** Consecutive steps that acted without a wait in between (a loop that never settles is a bug). */
  acting: number;
  /** Each image is pulled at most once per target, however many steps create pods with it. */
  images: ImageEnsurer;
}
