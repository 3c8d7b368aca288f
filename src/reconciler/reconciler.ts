/**
 * The GitOps loop, level-triggered: every pass looks at the newest commit of the branch and
 * at the whole engine. A new commit is validated and applied (one at a time; commits it
 * jumped over are recorded as superseded); a decided commit is not retried; between commits
 * the last good revision is re-applied, which repairs drift (self-heal).
 */
import type { DesiredState } from '../model/types';
import type { Revision } from '../git/types';
import type { StatusSnapshot } from '../api/types';
import type { PassResult } from './queue';
import { decideHead } from './decide';
import type { Applier, ApplyOutcome, OutcomeRecord, Recorder, RevisionSource, Validation, WriteBack } from './types';
import { isBerthError } from '../util/errors';

export interface ReconcilerOptions {
  instance: string;
  source: { repo: string; branch: string; path: string };
  selfHeal: boolean;
  autoRollback: boolean;
  /** Time between passes when nothing happens (drift repair, missed triggers). */
  resyncMs: number;
  validate(dir: string): Promise<Validation>;
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** At most this many skipped commits are recorded as superseded in one pass. */
const MAX_SUPERSEDED = 100;

interface Running {
  sha: string;
  desired: DesiredState;
}

export class Reconciler {
  private running: Running | undefined;
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

  constructor(
    private readonly source: RevisionSource,
    private readonly applier: Applier,
    private readonly recorder: Recorder,
    private readonly opts: ReconcilerOptions,
    private readonly writeBack?: WriteBack,
  ) {}

  async pass(): Promise<PassResult> {
    try {
      const result = await this.passInner();
      if (result.type === 'done') this.lastError = undefined;
      return result;
    } catch (err) {
      this.fail((err as Error).message);
      throw err;
    } finally {
      this.firstPassDone = true;
      this.lastSyncAt = new Date().toISOString();
      this.phase = this.lastError ? 'error' : 'idle';
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
      lastSyncAt: this.lastSyncAt,
      lastError: this.lastError,
    };
  }

  private async passInner(): Promise<PassResult> {
    if (!this.restored) await this.restore();
    const fetched = await this.source.fetch();
    if (fetched.type === 'unreachable' || fetched.type === 'branch-missing') {
      const why = fetched.type === 'unreachable' ? `remote unreachable: ${fetched.error}` : `branch ${this.opts.source.branch} not found on the remote`;
      this.fail(why);
      await this.selfHeal(); // the apps keep running on the last good revision
      return { type: 'transient-error', error: new Error(why) };
    }
    if (fetched.type === 'force-pushed') this.opts.log('branch was force-pushed', { previous: fetched.previous, head: fetched.sha });
    const head = fetched.sha;
    const status = await this.recorder.statusOf(head);
    const decision = decideHead(head, status, this.running?.sha);
    if (decision.type === 'attempt') {
      if (decision.why !== 'new') this.opts.log(`attempting ${short(head)} again`, { sha: head, status, why: decision.why, running: this.running?.sha });
      await this.supersedeSkipped(head);
      return this.attempt(head);
    }
    if (!this.lastAttempted && status) this.lastAttempted = { sha: head, status };
    return this.selfHeal();
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
      await this.recorder.record(rev, { sha: rev.sha, status: 'superseded', reason: `superseded by ${short(head)} before it was started` });
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
    this.phase = 'applying';
    await this.record(rev, { sha, status: 'applying' });
    const outcome = await this.applier.apply(v.desired, sha, 'rollout');
    switch (outcome.type) {
      case 'error':
        // The engine could not be driven: not the commit's fault. Retry; the `applying`
        // record makes the next pass (or the next process) attempt this commit again.
        this.fail(outcome.error.message);
        return { type: 'transient-error', error: outcome.error };
      case 'converged':
        this.running = { sha, desired: v.desired };
        await this.record(rev, { sha, status: 'succeeded', actions: outcome.actions, summary: outcome.summary });
        return this.done();
      case 'failed':
        return this.rollBack(rev, outcome);
    }
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

  private async rollBack(rev: Revision, outcome: Extract<ApplyOutcome, { type: 'failed' }>): Promise<PassResult> {
    const failed: OutcomeRecord = { sha: rev.sha, status: 'failed', reason: outcome.reason, errors: outcome.details, actions: outcome.actions };
    const target = this.running;
    if (!this.opts.autoRollback || !target) {
      if (!this.opts.autoRollback) this.leftInPlace = rev.sha;
      failed.reason += this.opts.autoRollback ? '; no earlier good revision to roll back to' : '; automatic rollback is off';
      await this.record(rev, failed);
      return this.done();
    }
    this.phase = 'rolling-back';
    const back = await this.applier.apply(target.desired, target.sha, 'rollback');
    failed.rollbackTo = target.sha;
    if (back.type !== 'converged') failed.errors = [...(failed.errors ?? []), `rollback to ${short(target.sha)} did not converge: ${back.type === 'error' ? back.error.message : back.reason}`];
    if (this.writeBack) {
      try {
        failed.revertSha = (await this.writeBack.revert(rev, outcome.reason)).sha;
      } catch (err) {
        failed.errors = [...(failed.errors ?? []), `write-back failed: ${(err as Error).message}`];
      }
    }
    await this.record(rev, failed);
    return this.done();
  }

  private async selfHeal(): Promise<PassResult> {
    if (!this.opts.selfHeal || !this.running || this.leftInPlace) return this.done();
    const outcome = await this.applier.apply(this.running.desired, this.running.sha, 'self-heal');
    if (outcome.type === 'error') {
      this.fail(outcome.error.message);
      return { type: 'transient-error', error: outcome.error };
    }
    if (outcome.actions > 0) this.opts.log('repaired drift', { revision: this.running.sha, actions: outcome.actions, summary: outcome.type === 'converged' ? outcome.summary : [outcome.reason] });
    return this.done();
  }

  private async record(rev: Revision, outcome: OutcomeRecord): Promise<void> {
    await this.recorder.record(rev, outcome);
    this.lastAttempted = { sha: rev.sha, status: outcome.status, reason: outcome.reason };
    this.opts.log(`revision ${short(rev.sha)} ${outcome.status}`, { sha: rev.sha, subject: rev.subject, reason: outcome.reason, errors: outcome.errors });
  }

  private fail(message: string): void {
    this.lastError = message;
    this.opts.log('pass failed', { error: message });
  }

  private done(): PassResult {
    return { type: 'done', resyncAfterMs: this.opts.resyncMs };
  }
}

export function short(sha: string): string {
  return sha.slice(0, 8);
}
