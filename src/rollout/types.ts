/**
 * What a rollout step gives back to the loop that drives it (the reconciler), and what the
 * applier shows of the pods it is removing.
 */
import type { ResourceStatus } from '../health';
import type { DesiredState } from '../model';

/** A pod being removed: out of every Service, stopping; killed when `secondsLeft` reaches 0. */
export interface TerminatingStatus {
  /** Resource key of the workload it belonged to. */
  key: string;
  namespace: string;
  name: string;
  secondsLeft: number;
}

/** What happened when the engine was driven to a desired state (to the end, or one step of it). */
export type ApplyOutcome =
  | { type: 'converged'; actions: number; summary: string[] }
  | { type: 'failed'; actions: number; reason: string; details: string[] } // validated but did not become healthy
  | { type: 'error'; error: Error }; // could not talk to the engine: retry later

/** One step of a rollout: done (converged, failed, error), or on its way: look again after `requeueAfterMs`. */
export type StepOutcome = ApplyOutcome | { type: 'progressing'; actions: number; summary: string[]; requeueAfterMs: number };

export type ApplyMode = 'rollout' | 'rollback' | 'self-heal';

export interface Applier {
  /**
   * One step towards `desired`: observe, plan, start what the rollout rules allow now,
   * return. Never waits for readiness or for pods to stop. `actions`/`summary` count this
   * target's steps so far (a new revision or mode starts a new count and progress clock).
   */
  step(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome>;
  /** Whether `revision`'s rollout has passed its progress deadline (an interrupted one is then failed, not superseded). */
  pastDeadline(revision: string): boolean;
  /** Health of every resource of the last desired state applied. */
  resources(): ResourceStatus[];
  /** Pods terminating, with the seconds left before they are killed. */
  terminating(): TerminatingStatus[];
}
