/**
 * Driving the engine to a desired state: observe -> plan -> execute, again and again, until
 * the plan is empty and every workload is healthy (converged), a workload degrades or its
 * progress deadline passes (failed), or the engine cannot be driven (error). Each turn
 * re-reads the engine, so an interrupted apply is finished by the next one.
 */
import { observe } from '../observe';
import { plan } from '../plan';
import { expandPods } from '../plan/expand';
import { Warnings } from '../plan/warnings';
import type { Action, PlanContext } from '../plan/types';
import type { DesiredState } from '../model/types';
import type { PullProgress, Runtime } from '../runtime/types';
import type { ApplyOutcome, Applier } from '../reconciler/types';
import { Prober } from '../health/prober';
import { workloadHealth, type WorkloadHealth } from '../health/workload';
import { BerthError, isBerthError, messageOf } from '../util/errors';
import { sleep } from '../util/eventually';
import { ImageEnsurer, pullPolicies } from './images';
import { executeAction } from './execute';
import { podContexts, podViews } from './podViews';
import { failureDetails, summarizeAction } from './report';

export interface ApplierOptions {
  instance: string;
  stateDir: string;
  pauseImage: string;
  pauseCommand?: string[];
  prune: boolean;
  /** Time between looks at the engine while waiting for readiness. */
  pollMs?: number;
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Progress for a terminal: each action as it starts, health after each look. */
  onAction?(a: Action): void;
  onHealth?(h: WorkloadHealth[]): void;
  onPull?(image: string, p: PullProgress): void;
  now?: () => number;
}

/** A plan that is still not empty after this many turns in a row is a bug, not progress. */
const MAX_ACTING_TURNS = 10;

export class EngineApplier implements Applier {
  private health: WorkloadHealth[] = [];
  private readonly prober: Prober;
  private readonly now: () => number;
  private abandoned = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: ApplierOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.prober = new Prober(runtime, this.now);
  }

  resources(): WorkloadHealth[] {
    return this.health;
  }

  /**
   * Stop waiting: the current action finishes, then apply returns an error outcome. Used on
   * SIGTERM so berth exits within seconds; the next process picks the rollout up again.
   */
  abandon(): void {
    this.abandoned = true;
  }

  async apply(desired: DesiredState, revision: string, mode: 'rollout' | 'rollback' | 'self-heal'): Promise<ApplyOutcome> {
    const ctx: PlanContext = { instance: this.opts.instance, revision, stateDir: this.opts.stateDir, pauseImage: this.opts.pauseImage, pauseCommand: this.opts.pauseCommand, prune: this.opts.prune };
    const images = new ImageEnsurer(this.runtime, pullPolicies(desired), this.opts.onPull);
    const deadline = this.now() + progressDeadlineMs(desired);
    let actions = 0;
    const summary: string[] = [];
    try {
      for (let acting = 0; ; ) {
        if (this.abandoned) throw new Error('berth is stopping; the apply was abandoned and resumes at the next start');
        const observed = await observe(this.runtime, this.opts.instance);
        const p = plan(desired, observed, ctx);
        if (p.actions.length > 0) {
          if (++acting > MAX_ACTING_TURNS) throw new Error(`the plan did not converge after ${MAX_ACTING_TURNS} turns; still to do: ${p.actions.map(summarizeAction).join('; ')}`);
          for (const a of p.actions) {
            await executeAction({ runtime: this.runtime, images, onAction: this.opts.onAction }, a);
            actions++;
            summary.push(summarizeAction(a));
          }
          continue;
        }
        acting = 0;
        const pods = expandPods(desired, new Warnings());
        const contexts = podContexts(this.opts.instance, observed.pods, pods);
        this.health = workloadHealth(desired, await podViews(this.runtime, this.prober, contexts), this.now());
        this.opts.onHealth?.(this.health);
        if (mode === 'self-heal') return { type: 'converged', actions, summary };
        const degraded = this.health.filter((h) => h.health === 'Degraded');
        if (degraded.length > 0) return await this.failed(desired, degraded, actions, 'is degraded');
        const waiting = this.health.filter((h) => h.health !== 'Healthy');
        if (waiting.length === 0) return { type: 'converged', actions, summary };
        if (this.now() > deadline) return await this.failed(desired, waiting, actions, 'did not become ready before its progress deadline');
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

  private async failed(desired: DesiredState, bad: WorkloadHealth[], actions: number, what: string): Promise<ApplyOutcome> {
    const reason = bad.map((h) => `${h.kind} ${h.namespace}/${h.name} ${what}: ${h.message}`).join('; ');
    const details = await failureDetails(this.runtime, this.opts.instance, desired, bad);
    return { type: 'failed', actions, reason, details };
  }
}

/** The longest progress deadline of the workloads: the apply waits at most that long. */
export function progressDeadlineMs(desired: DesiredState): number {
  const secs = [...desired.deployments.map((d) => d.progressDeadlineSeconds), ...desired.statefulSets.map((s) => s.progressDeadlineSeconds), ...(desired.pods.length ? [600] : [])];
  return Math.max(0, ...secs) * 1000;
}
