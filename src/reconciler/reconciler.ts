/**
 * The GitOps loop, level-triggered: every pass looks at the newest commit of the branch and
 * at the whole engine, takes one step and returns (controller-runtime's Reconcile returning
 * a requeue). A new commit is validated and its rollout begins; each later pass takes the
 * rollout's next step, so nothing waits inside a pass and a newer commit takes over at the
 * next one, whatever is in progress, a rollback included (Kubernetes' rollover: the pods of
 * the interrupted template are simply old pods). Commits jumped over are recorded as
 * superseded; a decided commit is not retried; between commits the last good revision is
 * stepped again, which repairs drift (self-heal). settle() is the one place that decides
 * what a step's outcome means for the commit and for the next pass.
 */
import type { DesiredState } from '../model';
import type { FetchResult, Revision } from '../git';
import type { StatusSnapshot } from '../api';
import type { PassResult } from '../triggers';
import { decideRollback } from '../rollback';
import { decideHead } from './decide';
import type { Applier, ApplyMode, StepOutcome } from '../rollout';
import type { OutcomeRecord, Recorder, RevisionSource, Validation, WriteBack } from './types';
import { isBerthError, shortSha } from '../util';

export interface ReconcilerOptions {
  instance: string;
  source: { repo: string; branch: string; path: string };
  selfHeal: boolean;
  autoRollback: boolean;
  /** Time between passes when nothing happens (drift repair, missed triggers). */
  resyncMs: number;
  validate(dir: string): Promise<Validation>;
  log(msg: string, fields?: Record<string, unknown>): void;
  /** Self-heal changed the engine back to the running revision (notifications). */
  onDriftRepaired?(sha: string, actions: number, summary: string[]): void;
}

/** At most this many skipped commits are recorded as superseded in one pass. */
const MAX_SUPERSEDED = 100;

/**
 * A rollout takes a pass every 100-500 ms. Passes woken only by the rollout itself (its
 * requeue, a pod gone or ready, an engine event) reuse a head fetched this recently instead
 * of asking the remote again; a commit is still seen at once through the git triggers
 * (watch, poll, webhook, API sync), which always fetch.
 */
const FETCH_REUSE_MS = 5000;

function onlyRolloutWakeups(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((r) => r === 'resync' || r === 'terminated' || r === 'readiness' || r === 'job' || r.startsWith('engine-'));
}

interface Running {
  sha: string;
  desired: DesiredState;
}

/** The rollout in progress: a commit's, or the rollback to the last good one after a commit failed. */
interface InFlight {
  rev: Revision;
  desired: DesiredState;
  mode: Exclude<ApplyMode, 'self-heal'>;
}

export class Reconciler {
  private running: Running | undefined;
  private inFlight: InFlight | undefined;
  private restored = false;
  private phase: StatusSnapshot['phase'] = 'starting';
  private lastAttempted: StatusSnapshot['lastAttemptedRevision'];
  private lastError: string | undefined;
  private lastSyncAt: string | undefined;
  private firstPassDone = false;
  /**
   * A failed commit left in place (--no-auto-rollback): self-heal would roll it back to the
   * last good revision, so it pauses until the next commit is attempted.
   */
  private leftInPlace: string | undefined;
  private lastHead: { sha: string; at: number } | undefined;

  constructor(
    private readonly source: RevisionSource,
    private readonly applier: Applier,
    private readonly recorder: Recorder,
    private readonly opts: ReconcilerOptions,
    private readonly writeBack?: WriteBack,
  ) {}

  /** One pass; `reasons` are the triggers that asked for it (the queue collapses them). */
  async pass(reasons: readonly string[] = []): Promise<PassResult> {
    try {
      const result = await this.passInner(reasons);
      if (result.type === 'done' || result.type === 'requeue') this.lastError = undefined;
      return result;
    } catch (err) {
      this.lastError = (err as Error).message;
      throw err;
    } finally {
      this.firstPassDone = true;
      this.lastSyncAt = new Date().toISOString();
      this.phase = this.lastError ? 'error' : this.inFlight ? phaseOf(this.inFlight) : 'idle';
    }
  }

  ready(): boolean {
    return this.firstPassDone;
  }

  status(): StatusSnapshot {
    return {
      instance: this.opts.instance,
      source: this.opts.source,
      phase: this.phase,
      lastAttemptedRevision: this.lastAttempted,
      lastAppliedRevision: this.running?.sha,
      resources: this.applier.resources(),
      terminating: this.applier.terminating(),
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
    };
  }

  private async passInner(reasons: readonly string[]): Promise<PassResult> {
    if (!this.restored) await this.restore();
    const fetched = await this.fetchHead(reasons);
    if (fetched.type === 'unreachable' || fetched.type === 'branch-missing') {
      const why = fetched.type === 'unreachable' ? `remote unreachable: ${fetched.error}` : `branch ${this.opts.source.branch} not found on the remote`;
      // The rollout in progress (or the last good revision) goes on; the fetch is retried.
      const result = this.inFlight ? await this.advance(this.inFlight) : await this.selfHeal();
      this.lastError = why;
      return result.type === 'transient-error' ? result : { type: 'transient-error', error: new Error(why) };
    }
    if (fetched.type === 'force-pushed') this.opts.log('branch was force-pushed', { previous: fetched.previous, head: fetched.sha });
    const head = fetched.sha;
    if (this.inFlight?.mode === 'rollout' && this.inFlight.rev.sha === head) return this.advance(this.inFlight);
    const status = await this.recorder.statusOf(head);
    const decision = decideHead(head, status, this.running?.sha);
    if (decision.type === 'attempt') {
      if (decision.why !== 'new') this.opts.log(`attempting ${shortSha(head)} again`, { sha: head, status, why: decision.why, running: this.running?.sha });
      if (this.inFlight) await this.interrupt(this.inFlight, head);
      await this.supersedeSkipped(head);
      return this.attempt(head);
    }
    if (!this.lastAttempted && status) this.lastAttempted = { sha: head, status };
    return this.inFlight ? this.advance(this.inFlight) : this.selfHeal();
  }

  private async fetchHead(reasons: readonly string[]): Promise<FetchResult> {
    const now = Date.now();
    if (this.lastHead && onlyRolloutWakeups(reasons) && now - this.lastHead.at < FETCH_REUSE_MS) return { type: 'unchanged', sha: this.lastHead.sha };
    const fetched = await this.source.fetch();
    this.lastHead = 'sha' in fetched ? { sha: fetched.sha, at: now } : undefined;
    return fetched;
  }

  /** Rebuild what runs from the journal and git, after a start or a crash. */
  private async restore(): Promise<void> {
    const good = await this.recorder.lastGood();
    const attempted = await this.recorder.lastAttempted();
    if (attempted) this.lastAttempted = { sha: attempted, status: (await this.recorder.statusOf(attempted)) ?? 'unknown' };
    if (attempted && this.lastAttempted?.status === 'failed' && !this.opts.autoRollback) this.leftInPlace = attempted;
    if (good) {
      const v = await this.opts.validate(await this.source.checkout(good));
      if (v.ok) this.running = { sha: good, desired: v.desired };
      else this.opts.log('last good revision no longer validates; not self-healing it', { sha: good, errors: v.errors });
    }
    this.restored = true;
  }

  /**
   * A newer commit arrived while a rollout ran: the rollout's commit is `superseded`, or
   * `failed` when its progress deadline had already passed (it would have been rolled back).
   * An interrupted rollback leaves its failed commit as recorded.
   */
  private async interrupt(f: InFlight, head: string): Promise<void> {
    this.inFlight = undefined;
    if (f.mode === 'rollback') {
      this.opts.log(`rollback to ${shortSha(f.rev.sha)} interrupted by ${shortSha(head)}`, { sha: f.rev.sha, by: head });
      return;
    }
    if (this.applier.pastDeadline(f.rev.sha)) {
      await this.record(f.rev, {
        sha: f.rev.sha,
        status: 'failed',
        reason: `made no progress within its progress deadline; ${shortSha(head)} took over before a rollback`,
      });
    } else {
      await this.record(f.rev, { sha: f.rev.sha, status: 'superseded', reason: `superseded by ${shortSha(head)} during its rollout` });
    }
  }

  private async supersedeSkipped(head: string): Promise<void> {
    const from = this.lastAttempted?.sha;
    if (!from || from === head) return;
    let skipped: Revision[];
    try {
      skipped = (await this.source.commitsBetween(from, head)).filter((r) => r.sha !== head).slice(-MAX_SUPERSEDED);
    } catch {
      return; // after a force-push the old head may be gone: nothing to supersede
    }
    for (const rev of skipped) {
      if ((await this.recorder.statusOf(rev.sha)) !== undefined) continue;
      await this.recorder.record(rev, { sha: rev.sha, status: 'superseded', reason: `superseded by ${shortSha(head)} before it was started` });
    }
  }

  private async attempt(sha: string): Promise<PassResult> {
    const rev = await this.source.revision(sha);
    this.leftInPlace = undefined;
    this.phase = 'validating';
    const v = await this.checkoutAndValidate(sha);
    if (!v.ok) {
      await this.record(rev, { sha, status: 'rejected', reason: `${v.errors.length} validation error(s); nothing was changed`, errors: v.errors });
      return this.selfHeal();
    }
    await this.record(rev, { sha, status: 'applying' });
    this.inFlight = { rev, desired: v.desired, mode: 'rollout' };
    return this.advance(this.inFlight);
  }

  /** A commit without the manifests folder (moved, deleted) is invalid, like a schema error. */
  private async checkoutAndValidate(sha: string): Promise<Validation> {
    let dir: string;
    try {
      dir = await this.source.checkout(sha);
    } catch (err) {
      if (isBerthError(err, 'E_INVALID')) return { ok: false, errors: [err.message] };
      throw err;
    }
    return this.opts.validate(dir);
  }

  /** One step of the rollout in progress. */
  private async advance(f: InFlight): Promise<PassResult> {
    this.phase = phaseOf(f);
    return this.settle(f, await this.applier.step(f.desired, f.rev.sha, f.mode));
  }

  /** The one place that decides what a step's outcome means. */
  private async settle(f: InFlight, outcome: StepOutcome): Promise<PassResult> {
    switch (outcome.type) {
      case 'progressing':
        return { type: 'requeue', afterMs: outcome.requeueAfterMs };
      case 'error':
        // The engine could not be driven: not the commit's fault. The rollout stays in
        // progress (and `applying` in the journal, so a new process takes it up too).
        this.lastError = outcome.error.message;
        return { type: 'transient-error', error: outcome.error };
      case 'converged':
        this.inFlight = undefined;
        if (f.mode === 'rollback') {
          this.opts.log(`rolled back to ${shortSha(f.rev.sha)}`, { sha: f.rev.sha, actions: outcome.actions });
          return this.done();
        }
        this.running = { sha: f.rev.sha, desired: f.desired };
        await this.record(f.rev, { sha: f.rev.sha, status: 'succeeded', actions: outcome.actions, summary: outcome.summary });
        return this.done();
      case 'failed':
        this.inFlight = undefined;
        if (f.mode === 'rollout') return this.rollBack(f.rev, outcome);
        this.lastError = `rollback to ${shortSha(f.rev.sha)} did not converge: ${outcome.reason}`;
        this.opts.log(this.lastError, { sha: f.rev.sha, details: outcome.details });
        return this.done();
    }
  }

  /** Records the commit as failed and starts the rollback to the last good revision (its steps follow in later passes). */
  private async rollBack(rev: Revision, outcome: Extract<StepOutcome, { type: 'failed' }>): Promise<PassResult> {
    const failed: OutcomeRecord = { sha: rev.sha, status: 'failed', reason: outcome.reason, errors: outcome.details, actions: outcome.actions };
    const decision = decideRollback(this.opts.autoRollback, this.running);
    if (decision.type === 'leave-in-place') {
      if (!this.opts.autoRollback) this.leftInPlace = rev.sha;
      failed.reason += `; ${decision.why}`;
      await this.record(rev, failed);
      return this.done();
    }
    const target = decision.to;
    failed.rollbackTo = target.sha;
    if (this.writeBack) {
      try {
        failed.revertSha = (await this.writeBack.revert(rev, outcome.reason)).sha;
      } catch (err) {
        failed.errors = [...(failed.errors ?? []), `write-back failed: ${(err as Error).message}`];
      }
    }
    await this.record(rev, failed);
    this.inFlight = { rev: await this.source.revision(target.sha), desired: target.desired, mode: 'rollback' };
    return this.advance(this.inFlight);
  }

  private async selfHeal(): Promise<PassResult> {
    if (!this.opts.selfHeal || !this.running || this.leftInPlace) return this.done();
    const outcome = await this.applier.step(this.running.desired, this.running.sha, 'self-heal');
    switch (outcome.type) {
      case 'error':
        this.lastError = outcome.error.message;
        return { type: 'transient-error', error: outcome.error };
      case 'progressing':
        return { type: 'requeue', afterMs: outcome.requeueAfterMs };
      case 'failed': // a pull or a port clash while repairing: the revision stays; say so once per pass
        this.opts.log('drift repair failed', { revision: this.running.sha, reason: outcome.reason });
        return this.done();
      case 'converged':
        if (outcome.actions > 0) {
          this.opts.log('repaired drift', { revision: this.running.sha, actions: outcome.actions, summary: outcome.summary });
          this.opts.onDriftRepaired?.(this.running.sha, outcome.actions, outcome.summary);
        }
        return this.done();
    }
  }

  private async record(rev: Revision, outcome: OutcomeRecord): Promise<void> {
    await this.recorder.record(rev, outcome);
    this.lastAttempted = { sha: rev.sha, status: outcome.status, reason: outcome.reason };
    this.opts.log(`revision ${shortSha(rev.sha)} ${outcome.status}`, { sha: rev.sha, subject: rev.subject, reason: outcome.reason, errors: outcome.errors });
  }

  private done(): PassResult {
    return { type: 'done', resyncAfterMs: this.opts.resyncMs };
  }
}

function phaseOf(f: InFlight): StatusSnapshot['phase'] {
  return f.mode === 'rollback' ? 'rolling-back' : 'applying';
}
