/**
 * Driving the engine to a desired state, one step at a time: observe -> plan -> the rollout
 * rules pick what may start now -> start it -> return (gitops-engine's sync as a step
 * function). Nothing waits inside a step: not for readiness, not for a pod to stop (removed
 * pods are terminating: terminator.ts), so the reconciler can take up a newer commit at the
 * next step, and a restarted process continues where the engine is. Each step ends in one
 * StepOutcome: converged, progressing (look again after N ms), failed (degraded, or no
 * progress within the deadline, measured from a clock saved in the state directory), error.
 * `apply()` repeats steps until the end, for the one-shot commands.
 */
import { hostNode } from '../util';
import { plan } from '../plan';
import { expandPods, takenNames } from '../plan';
import { Warnings } from '../plan';
import type { DesiredPod, PlanContext } from '../plan';
import type { ObservedState, TerminatingPod } from '../observe';
import type { DesiredState } from '../model';
import { JobController } from '../jobs';
import { LABEL, type Runtime } from '../runtime';
import type { ApplyMode, ApplyOutcome, Applier, StepOutcome, TerminatingStatus } from './types';
import { Prober } from '../health';
import { workloadHealth, type PodView, type WorkloadHealth } from '../health';
import { BerthError, isBerthError, messageOf } from '../util';
import { sleep } from '../util';
import { ImageEnsurer, pullPolicies } from './images';
import { podContexts, podViews } from './podViews';
import { failureDetails, summarizeAction } from './report';
import { secretRedactor } from '../secrets';
import { rolloutStep, type HeldStep } from './strategy';
import { ProgressClock, ProgressStore, readinessOf } from './progress';
import { runStep } from './runStep';
import { heldForNames, maxActingTurns, readyIds, withoutWrittenFiles } from './stepChecks';
import { secondsLeft, TerminationLedger } from './terminating';
import { Terminator } from './terminator';
import { ListCache } from './listCache';
import { SecretFiles } from '../secrets';
import type { ApplierOptions, TargetRun } from './applierOptions';

export type { ApplierOptions } from './applierOptions';

/** After a step that acted, look again this soon: the engine has something new to show. */
const AFTER_ACTION_MS = 100;

export class EngineApplier implements Applier {
  private health: WorkloadHealth[] = [];
  private held: HeldStep[] = [];
  private terminatingPods: TerminatingPod[] = [];
  private readonly prober: Prober;
  private readonly now: () => number;
  private readonly terminator: Terminator;
  private readonly progressStore: ProgressStore;
  private readonly jobControl: JobController;
  private cronHealth: WorkloadHealth[] = [];
  /** The desired state of the last step, watched between steps by probe(). */
  private current?: DesiredState;
  private stepping = false;
  private run?: TargetRun;
  private readonly secretFiles: SecretFiles;
  private readonly lists: ListCache;

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: ApplierOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.lists = new ListCache(this.now, runtime.writes?.bind(runtime));
    this.prober = new Prober(runtime, this.now);
    this.progressStore = new ProgressStore(opts.stateDir, opts.instance);
    this.jobControl = new JobController(opts.stateDir, opts.instance, () => opts.onWake?.('job'), opts.cronScheduler, opts.log);
    this.secretFiles = new SecretFiles(opts.secretsDir, opts.instance);
    this.terminator = new Terminator({
      runtime,
      labels: { [LABEL.instance]: opts.instance },
      ledger: new TerminationLedger(opts.stateDir, opts.instance),
      now: this.now,
      beforeStop: opts.beforeRemove,
      onGone: () => opts.onWake?.('terminated'),
      log: opts.log,
    });
  }

  /** Health of each workload, with the rollout step it waits on, as of the last look. */
  resources(): WorkloadHealth[] {
    const held = new Map(this.held.map((h) => [h.key, h.reason]));
    return [...this.health, ...this.cronHealth].map((h) => (held.has(h.key) ? { ...h, waiting: held.get(h.key) } : h));
  }

  /** Pods terminating as of the last look, with the seconds left before they are killed. */
  terminating(): TerminatingStatus[] {
    const now = this.now();
    return this.terminatingPods.map((p) => ({
      key: `${p.kind}/${p.namespace}/${p.owner}`,
      namespace: p.namespace,
      name: p.name,
      secondsLeft: secondsLeft(p.deadline, now),
    }));
  }

  /** Resolves when the pods this process began terminating are stopped and removed. */
  settled(): Promise<void> {
    return this.terminator.settled();
  }

  /** Whether the rollout of `revision` in progress has a workload past its progress deadline (as of the last look). */
  pastDeadline(revision: string): boolean {
    const run = this.run;
    return run?.id === `rollout:${revision}` && run.clock.stalled(this.health, this.now()).length > 0;
  }

  /**
   * Steps until the end (converged, failed, error), waiting between them: `berth apply`,
   * `rollout undo`. Returns once the engine has begun stopping the pods this process began
   * terminating (it finishes them on its own).
   */
  async apply(desired: DesiredState, revision: string, mode: ApplyMode): Promise<ApplyOutcome> {
    for (;;) {
      const out = await this.step(desired, revision, mode);
      // `--no-wait` (self-heal) starts everything that may start now and waits for nothing.
      if (out.type === 'progressing' && !(mode === 'self-heal' && out.requeueAfterMs > AFTER_ACTION_MS)) {
        await sleep(out.requeueAfterMs);
        continue;
      }
      // A one-shot command may exit once the engine has the stops of the old pods in hand.
      await this.terminator.handedOver();
      return out.type === 'progressing' ? { type: 'converged', actions: out.actions, summary: out.summary } : out;
    }
  }

  /**
   * Between steps (the operator calls it every second): probe the pods of the last desired
   * state, as kubelet does all the time: liveness failures restart containers, readiness
   * changes reach resources() and onViews (the Service endpoints), terminated pods are
   * reaped. A readiness change wakes the loop. Does nothing while a step runs.
   */
  async probe(): Promise<void> {
    if (this.stepping || !this.current) return;
    const before = readyIds(this.lastViews);
    await this.look(this.current, { reuse: this.canReuseObserved(), allProbes: true });
    if (readyIds(this.lastViews) !== before) this.opts.onWake?.('readiness');
  }

  /** The engine reported a change to this instance's objects (or its event stream broke): the next look lists again. */
  engineChanged(): void {
    this.lists.changed();
  }

  private lastViews: PodView[] = [];

  /**
   * What a look may use instead of listing again (listCache.ts): a fresh list, with every
   * pod running and ready and none terminating or held (nothing whose state text or exit
   * the look needs fresh). probe() uses it between steps; a step uses it too (a no-op pass
   * then lists nothing), as soon as it sees the same.
   */
  private canReuseObserved(): ObservedState | undefined {
    const last = this.lists.fresh();
    if (!last || (last.terminating ?? []).length > 0 || this.held.length > 0) return undefined;
    // A finished Job's pods stay exited: only an engine event (already counted) changes them.
    return this.lastViews.every((v) => (v.running && v.ready) || this.jobControl.finished(v.ownerKey)) ? last : undefined;
  }

  /** One look at the engine: reap what finished terminating, then its state, the pods' probes and health; the endpoints follow. */
  /** `full`: `desired` with the Jobs its CronJobs made (what is planned). */
  private async look(
    desired: DesiredState,
    opts: { reuse?: ObservedState; allProbes?: boolean } = {},
  ): Promise<{ observed: ObservedState; views: PodView[]; pods: DesiredPod[]; full: DesiredState }> {
    const observed = opts.reuse ?? (await this.lists.list(() => this.terminator.observe(this.opts.instance)));
    const full = await this.jobControl.expand(desired);
    const jobs = await this.jobControl.judge(full, observed, this.now());
    const pods = expandPods(full, new Warnings(), { taken: takenNames(observed), jobs });
    const views = await podViews(this.runtime, this.prober, podContexts(this.opts.instance, observed.pods, pods), secretRedactor(desired), {
      onlyNewProbes: this.opts.probeLoop && !opts.allProbes,
    });
    this.health = workloadHealth(desired, views, this.now(), jobs);
    this.cronHealth = await this.jobControl.cronHealth(desired, full);
    this.terminatingPods = observed.terminating ?? [];
    this.lastViews = views;
    this.current = desired;
    await this.opts.onViews?.(desired, observed, views);
    return { observed, views, pods, full };
  }

  async step(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome> {
    const out = await this.guardedStep(desired, revision, mode);
    // A target that ended starts over next time: a new count, a new clock.
    if (out.type === 'converged' || out.type === 'failed') {
      this.run = undefined;
      if (mode !== 'self-heal') await this.progressStore.clear();
    }
    return out;
  }

  private async guardedStep(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome> {
    this.stepping = true;
    try {
      return await this.stepOnce(desired, revision, mode);
    } catch (err) {
      // A pull that fails, a host port in use or a pod refused at creation (runAsNonRoot) is
      // this revision's problem; an engine that does not answer is nobody's: retry later.
      if (isBerthError(err, 'E_PULL') || isBerthError(err, 'E_CONFLICT') || isBerthError(err, 'E_INVALID')) {
        return { type: 'failed', actions: this.run?.actions ?? 0, reason: messageOf(err), details: err instanceof BerthError && err.hint ? [err.hint] : [] };
      }
      return { type: 'error', error: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      this.stepping = false;
    }
  }

  private async stepOnce(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome> {
    const run = await this.target(desired, revision, mode);
    // A step may plan from the kept list only where the runtime counts its writes: without the
    // count, a list taken before this process's own last action could look current.
    const reuse = this.runtime.writes ? this.canReuseObserved() : undefined;
    const { observed, views, pods, full } = await this.look(desired, { reuse });
    await this.secretFiles.prune(observed); // Secret files go with their pod
    // A CronJob started or discarded a Job: look again at once, with it.
    if (await this.jobControl.cronTurn(desired, observed, this.now()))
      return { type: 'progressing', actions: run.actions, summary: run.summary, requeueAfterMs: 0 };
    const ctx: PlanContext = {
      instance: this.opts.instance,
      revision,
      stateDir: this.opts.stateDir,
      secretsDir: await this.secretFiles.dir(),
      pauseImage: this.opts.pauseImage,
      pauseCommand: this.opts.pauseCommand,
      prune: this.opts.prune,
      serviceAnchors: this.opts.serviceAnchors,
      jobs: this.jobControl.statuses,
      node: hostNode(),
    };
    this.opts.onHealth?.(this.health);
    const planned = plan(full, observed, ctx);
    const pending = await withoutWrittenFiles(planned.actions);
    const step = rolloutStep(pending, full, observed.pods, readinessOf(views, desired, this.now()), observed.terminating);
    this.held = [...step.held, ...heldForNames(planned.held, this.now())];
    this.opts.onWait?.(this.held);
    if (mode !== 'self-heal' && run.clock.observe(views, step.actions, this.now())) await this.progressStore.save(run.clock.state());
    if (mode !== 'self-heal') {
      const degraded = this.health.filter((h) => h.health === 'Degraded');
      if (degraded.length > 0) {
        // A failed Job's active pods go whatever becomes of the commit, as Kubernetes deletes them.
        const jobCleanup = step.actions.filter((a) => a.type === 'remove-pod' && this.jobControl.statuses.get(a.key)?.phase === 'Failed');
        if (jobCleanup.length > 0) {
          await runStep(jobCleanup, {
            runtime: this.runtime,
            images: run.images,
            onAction: this.opts.onAction,
            terminate: (p) => this.terminator.begin(p),
            concurrency: this.opts.concurrency,
          });
          this.lists.changed();
        }
        return this.failed(run, desired, degraded, 'is degraded');
      }
    }
    const progressing = (requeueAfterMs: number): StepOutcome => ({ type: 'progressing', actions: run.actions, summary: run.summary, requeueAfterMs });
    if (step.actions.length > 0) {
      if (++run.acting > maxActingTurns(pods.length, observed.pods.length))
        throw new Error(`the plan did not converge; still to do: ${step.actions.map(summarizeAction).join('; ')}`);
      await runStep(step.actions, {
        runtime: this.runtime,
        images: run.images,
        onAction: this.opts.onAction,
        terminate: (p) => this.terminator.begin(p),
        concurrency: this.opts.concurrency,
      });
      // A step that acted never leaves the next one the kept list: a pod it began terminating
      // is stopped in the background (after its endpoints drain), so no write may be sent yet.
      this.lists.changed();
      run.actions += step.actions.length;
      run.summary.push(...step.actions.map(summarizeAction));
      return progressing(AFTER_ACTION_MS);
    }
    run.acting = 0;
    const poll = this.opts.pollMs ?? 500;
    const unsettled = this.health.filter((h) => h.health !== 'Healthy' && h.health !== 'Suspended');
    if (mode === 'self-heal') {
      // Self-heal never fails a revision; it goes on while a repair waits for readiness.
      return this.held.some((h) => !h.suspended) ? progressing(poll) : { type: 'converged', actions: run.actions, summary: run.summary };
    }
    // A paused Deployment's held actions are the user's choice, not work left (Argo CD: synced, Suspended).
    const suspended = new Set(step.held.filter((h) => h.suspended).map((h) => h.key));
    const outstanding = pending.filter((a) => !suspended.has(a.key));
    if (unsettled.length === 0 && outstanding.length === 0) return { type: 'converged', actions: run.actions, summary: run.summary };
    const stuck = run.clock.stalled(this.health, this.now());
    if (stuck.length > 0) return this.failed(run, desired, stuck, 'made no progress within its progress deadline');
    return progressing(poll);
  }

  /** The run of this target: continued when it is the one in progress, else a new one (its clock from the state directory when a restarted process left it). */
  private async target(desired: DesiredState, revision: string, mode: ApplyMode): Promise<TargetRun> {
    const id = `${mode}:${revision}`;
    if (this.run?.id === id) return this.run;
    const saved = mode === 'self-heal' ? undefined : await this.progressStore.load();
    const clock = new ProgressClock(desired, id, this.now(), saved);
    if (mode !== 'self-heal' && saved?.target !== id) await this.progressStore.save(clock.state());
    this.run = { id, clock, actions: 0, summary: [], acting: 0, images: new ImageEnsurer(this.runtime, pullPolicies(desired), this.opts.onPull) };
    return this.run;
  }

  private async failed(run: TargetRun, desired: DesiredState, bad: WorkloadHealth[], what: string): Promise<StepOutcome> {
    const reason = bad.map((h) => `${h.kind} ${h.namespace}/${h.name} ${what}: ${h.message}`).join('; ');
    const details = await failureDetails(this.runtime, this.opts.instance, desired, bad);
    return { type: 'failed', actions: run.actions, reason, details };
  }
}
