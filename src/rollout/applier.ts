/**
 * Driving the engine to a desired state: observe -> plan -> rollout step -> execute, again
 * and again, until the plan is empty and every workload is healthy (converged), a workload
 * degrades or makes no progress for its progress deadline (failed), or the engine cannot be
 * driven (error). Each turn re-reads the engine, so an interrupted apply is finished by the
 * next one, at the same pace.
 */
import { observe } from '../observe';
import { plan } from '../plan';
import { expandPods } from '../plan/expand';
import { Warnings } from '../plan/warnings';
import type { Action, DesiredPod, PlanContext, RemovePodAction } from '../plan/types';
import type { ObservedState } from '../observe/types';
import type { DesiredState } from '../model/types';
import type { PullProgress, Runtime } from '../runtime/types';
import type { ApplyOutcome, Applier } from '../reconciler/types';
import { Prober } from '../health/prober';
import { workloadHealth, type PodView, type WorkloadHealth } from '../health/workload';
import { BerthError, isBerthError, messageOf } from '../util/errors';
import { sleep } from '../util/eventually';
import { pathExists } from '../util/pathExists';
import { ImageEnsurer, pullPolicies } from './images';
import { executeAction } from './execute';
import { podContexts, podViews } from './podViews';
import { failureDetails, summarizeAction } from './report';
import { rolloutStep, type HeldStep } from './strategy';
import { ProgressClock, readinessOf } from './progress';

export interface ApplierOptions {
  instance: string;
  stateDir: string;
  pauseImage: string;
  pauseCommand?: string[];
  prune: boolean;
  /** ClusterIP Services get anchors (PlanContext.serviceAnchors). */
  serviceAnchors?: boolean;
  /** Time between looks at the engine while waiting for readiness. */
  pollMs?: number;
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Progress for a terminal: each action as it starts, health after each look. */
  onAction?(a: Action): void;
  onHealth?(h: WorkloadHealth[]): void;
  onPull?(image: string, p: PullProgress): void;
  /**
   * Before pods are stopped (zero-downtime order): take them out of Service endpoints and let
   * open connections drain, within their grace period. Then SIGTERM, then SIGKILL.
   */
  beforeRemove?(pods: RemovePodAction[]): Promise<void>;
  /** Every look at the pods (each turn, each probe()): for Service endpoints that follow readiness. */
  onViews?(desired: DesiredState, observed: ObservedState, views: PodView[]): Promise<void> | void;
  /** Rollout steps held back this turn and why (empty when nothing waits). */
  onWait?(held: HeldStep[]): void;
  now?: () => number;
}

export class EngineApplier implements Applier {
  private health: WorkloadHealth[] = [];
  private held: HeldStep[] = [];
  private readonly prober: Prober;
  private readonly now: () => number;
  private abandoned = false;
  /** The desired state of the last apply, watched between applies by probe(). */
  private current?: { desired: DesiredState; pods: DesiredPod[] };
  private applying = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: ApplierOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.prober = new Prober(runtime, this.now);
  }

  /** Health of each workload, with the rollout step it waits on, as of the last turn. */
  resources(): WorkloadHealth[] {
    const held = new Map(this.held.map((h) => [h.key, h.reason]));
    return this.health.map((h) => (held.has(h.key) ? { ...h, waiting: held.get(h.key) } : h));
  }

  /**
   * Stop waiting: the current action finishes, then apply returns an error outcome. Used on
   * SIGTERM so berth exits within seconds; the next process picks the rollout up again.
   */
  abandon(): void {
    this.abandoned = true;
  }

  /**
   * Each turn: observe, plan the whole way, let the rollout rules pick the step that may run
   * now (rolloutStep), run it, look at health. 'self-heal' runs one step and never waits:
   * the next pass continues.
   */
  async apply(desired: DesiredState, revision: string, mode: 'rollout' | 'rollback' | 'self-heal'): Promise<ApplyOutcome> {
    this.applying = true;
    try {
      return await this.applyInner(desired, revision, mode);
    } finally {
      this.applying = false;
    }
  }

  /**
   * Between applies (the operator calls it every second): probe the pods of the last desired
   * state, as kubelet does all the time: liveness failures restart containers, readiness
   * changes reach resources() and onViews (the Service endpoints). Does nothing during an
   * apply, whose turns probe anyway.
   */
  async probe(): Promise<void> {
    if (this.applying || !this.current) return;
    await this.look(this.current.desired, this.current.pods);
    this.held = [];
  }

  /** One look at the engine: its state, the pods' probes and health; the endpoints follow. */
  private async look(desired: DesiredState, pods: DesiredPod[]): Promise<{ observed: ObservedState; views: PodView[] }> {
    const observed = await observe(this.runtime, this.opts.instance);
    const views = await podViews(this.runtime, this.prober, podContexts(this.opts.instance, observed.pods, pods));
    this.health = workloadHealth(desired, views, this.now());
    await this.opts.onViews?.(desired, observed, views);
    return { observed, views };
  }

  private async applyInner(desired: DesiredState, revision: string, mode: 'rollout' | 'rollback' | 'self-heal'): Promise<ApplyOutcome> {
    const ctx: PlanContext = { instance: this.opts.instance, revision, stateDir: this.opts.stateDir, pauseImage: this.opts.pauseImage, pauseCommand: this.opts.pauseCommand, prune: this.opts.prune, serviceAnchors: this.opts.serviceAnchors };
    const images = new ImageEnsurer(this.runtime, pullPolicies(desired), this.opts.onPull);
    const progress = new ProgressClock(desired, this.now());
    const pods = expandPods(desired, new Warnings());
    this.current = { desired, pods };
    let actions = 0;
    let acting = 0;
    const summary: string[] = [];
    try {
      for (;;) {
        if (this.abandoned) throw new Error('berth is stopping; the apply was abandoned and resumes at the next start');
        const { observed, views } = await this.look(desired, pods);
        this.opts.onHealth?.(this.health);
        const pending = await withoutWrittenFiles(plan(desired, observed, ctx).actions);
        const step = rolloutStep(pending, desired, observed.pods, readinessOf(views, desired, this.now()));
        this.held = step.held;
        this.opts.onWait?.(step.held);
        progress.observe(views, step.actions, this.now());
        if (mode !== 'self-heal') {
          const degraded = this.health.filter((h) => h.health === 'Degraded');
          if (degraded.length > 0) return await this.failed(desired, degraded, actions, 'is degraded');
        }
        if (step.actions.length > 0) {
          if (++acting > maxActingTurns(pods.length, observed.pods.length)) throw new Error(`the plan did not converge; still to do: ${step.actions.map(summarizeAction).join('; ')}`);
          await this.run(step.actions, images);
          actions += step.actions.length;
          summary.push(...step.actions.map(summarizeAction));
          if (mode === 'self-heal' && step.held.length > 0) return { type: 'converged', actions, summary };
          continue;
        }
        acting = 0;
        if (mode === 'self-heal') return { type: 'converged', actions, summary };
        const waiting = this.health.filter((h) => h.health !== 'Healthy');
        if (waiting.length === 0 && pending.length === 0) return { type: 'converged', actions, summary };
        const stuck = progress.stalled(this.health, this.now());
        if (stuck.length > 0) return await this.failed(desired, stuck, actions, 'made no progress within its progress deadline');
        await sleep(this.opts.pollMs ?? 500);
      }
    } catch (err) {
      // A pull that fails or a host port in use is this revision's problem; an engine that
      // does not answer is nobody's: retry later.
      if (isBerthError(err, 'E_PULL') || isBerthError(err, 'E_CONFLICT')) {
        return { type: 'failed', actions, reason: messageOf(err), details: err instanceof BerthError && err.hint ? [err.hint] : [] };
      }
      return { type: 'error', error: err instanceof Error ? err : new Error(String(err)) };
    }
  }

  /** Runs a step in order; pod removals next to each other stop together (grace periods overlap). */
  private async run(step: Action[], images: ImageEnsurer): Promise<void> {
    const deps = { runtime: this.runtime, images, onAction: this.opts.onAction };
    for (const batch of batches(step)) {
      const removals = batch.filter((a): a is RemovePodAction => a.type === 'remove-pod');
      if (removals.length > 0) await this.opts.beforeRemove?.(removals);
      await Promise.all(batch.map((a) => executeAction(deps, a)));
    }
  }

  private async failed(desired: DesiredState, bad: WorkloadHealth[], actions: number, what: string): Promise<ApplyOutcome> {
    const reason = bad.map((h) => `${h.kind} ${h.namespace}/${h.name} ${what}: ${h.message}`).join('; ');
    const details = await failureDetails(this.runtime, this.opts.instance, desired, bad);
    return { type: 'failed', actions, reason, details };
  }
}

/**
 * A step whose actions keep coming back turn after turn without a wait in between is a bug
 * (or a fight with someone else over the engine), not progress. A rolling update takes about
 * two turns per pod.
 */
function maxActingTurns(desiredPods: number, observedPods: number): number {
  return 10 + 3 * (desiredPods + observedPods);
}

/** Consecutive pod removals form one batch (their grace periods overlap); anything else runs alone. */
export function batches(step: readonly Action[]): Action[][] {
  const out: Action[][] = [];
  for (const a of step) {
    const last = out[out.length - 1];
    if (a.type === 'remove-pod' && last?.[0].type === 'remove-pod') last.push(a);
    else out.push([a]);
  }
  return out;
}

/** write-files is planned every time (the planner cannot see files); drop those already written. */
async function withoutWrittenFiles(actions: Action[]): Promise<Action[]> {
  const written = await Promise.all(actions.map((a) => (a.type === 'write-files' ? pathExists(a.dir) : false)));
  return actions.filter((_, i) => !written[i]);
}

