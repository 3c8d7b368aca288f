/**
 * A Job's status and what it needs next, from its pods as the engine shows them (labels and
 * container states of one list call: no inspect), its finished record (records.ts) and the
 * clock. Pure. Follows Kubernetes' job controller (pkg/controller/job/job_controller.go):
 * - a pod has succeeded when every app container exited 0, failed when every one exited and
 *   one did not exit 0, and is active otherwise;
 * - Complete when `completions` pods succeeded (without completions, a work queue: one pod
 *   succeeded and none is active);
 * - Failed, BackoffLimitExceeded: restartPolicy Never when failed > backoffLimit (Kubernetes'
 *   `exceedsBackoffLimit`); OnFailure when a pod gave up, i.e. Docker's on-failure policy
 *   restarted it backoffLimit times (Kubernetes: restarts >= backoffLimit), see docs/jobs.md;
 * - Failed, DeadlineExceeded: activeDeadlineSeconds after the first pod was created;
 * - while running, min(parallelism, completions - succeeded) pods are active;
 * - a finished Job keeps its finished pods (for logs) until ttlSecondsAfterFinished, and its
 *   active ones are removed (as Kubernetes deletes them).
 * A finished Job stays finished (its record), whatever happens to its pods afterwards.
 */
import { resourceKey, type JobResource, type PodFailureAction } from '../model';
import type { ObservedPod } from '../observe';
import { observedKey } from '../observe';
import { LABEL } from '../runtime';
import { failureAction, successMet, type ContainerExit } from './policy';

export type JobPhase = 'Running' | 'Suspended' | 'Complete' | 'Failed';
export type JobFailure = 'BackoffLimitExceeded' | 'DeadlineExceeded' | 'PodFailurePolicy' | 'FailedIndexes' | 'MaxFailedIndexesExceeded';
/** Why a run finished: a failure, or (Complete) an Indexed Job's successPolicy met. */
export type JobReason = JobFailure | 'SuccessPolicy';

/** What is remembered of a finished Job run (`<state>/jobs-<instance>.json`). */
export interface JobRecord {
  key: string;
  /** Set for a CronJob's Job (see recordId). */
  spawned?: boolean;
  specHash: string;
  phase: 'Complete' | 'Failed';
  reason?: JobReason;
  startTime?: number;
  completionTime: number;
  succeeded: number;
  failed: number;
}

export interface JobStatus {
  key: string;
  namespace: string;
  name: string;
  specHash: string;
  phase: JobPhase;
  reason?: JobReason;
  active: number;
  succeeded: number;
  failed: number;
  completions?: number;
  /** Unix ms: the first pod of this run was created. */
  startTime?: number;
  /** Unix ms: the run finished (as first seen by berth). */
  completionTime?: number;
  /** The Job's pods to keep (names); the Job's other pods are removed. */
  keep: string[];
  /** How many new pods to create now. */
  create: number;
  /** Indexed: the completion index of each kept pod, and the indexes the new pods get. */
  indexes?: { kept: Record<string, number>; create: number[] };
  /** Unix ms of the next time-bound change (deadline, TTL): look again then. */
  wakeAt?: number;
  /** The run finished and is not recorded yet. */
  finishedNow: boolean;
  spawned: boolean;
}

export type PodOutcome = { type: 'active' } | { type: 'succeeded' } | { type: 'failed'; exitCode: number };

/** A pod of the run with its outcome and, when it failed, what its Job's podFailurePolicy makes of it. */
interface Judged {
  pod: ObservedPod;
  outcome: PodOutcome;
  action?: PodFailureAction;
}

/** Docker's status line of an exited container: `Exited (1) 3 seconds ago`. */
export function exitCodeOf(status: string): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

export function podOutcome(p: ObservedPod): PodOutcome {
  if (p.containers.length === 0) return { type: 'active' };
  let failedCode: number | undefined;
  for (const c of p.containers) {
    if (c.state !== 'exited' && c.state !== 'dead') return { type: 'active' };
    const code = exitCodeOf(c.status) ?? -1; // a dead container's code is unknown: a failure
    if (code !== 0 && failedCode === undefined) failedCode = code;
  }
  return failedCode === undefined ? { type: 'succeeded' } : { type: 'failed', exitCode: failedCode };
}

/** `pods`: the observed pods of this Job (any spec hash); `now` undefined: no clock (plan previews). */
export function jobStatus(job: JobResource, pods: readonly ObservedPod[], record: JobRecord | undefined, now: number | undefined): JobStatus {
  const key = resourceKey(job);
  // A CronJob's Job is one run whatever its template becomes; a declared Job's run is its hash.
  const mine = job.createdBy ? pods : pods.filter((p) => p.specHash === job.templateHash);
  const rec = record && (job.createdBy || record.specHash === job.templateHash) ? record : undefined;
  const judged: Judged[] = mine.map((p) => {
    const outcome = podOutcome(p);
    return outcome.type === 'failed' ? { pod: p, outcome, action: failureAction(job.podFailurePolicy, exitsOf(p)) } : { pod: p, outcome };
  });
  // A failure the podFailurePolicy ignores counts toward nothing: not failed, no backoff.
  const outcomes = judged.filter((o) => o.action !== 'Ignore');
  const active = outcomes.filter((o) => o.outcome.type === 'active').map((o) => o.pod.name);
  const succeededPods = outcomes.filter((o) => o.outcome.type === 'succeeded');
  // Indexed: a completion is an index with a succeeded pod (Kubernetes' succeededIndexes).
  const succeededIndexes = new Set(succeededPods.map((o) => o.pod.ordinal).filter((i): i is number => i !== undefined));
  const succeeded = job.completionMode === 'Indexed' ? succeededIndexes.size : succeededPods.length;
  const failed = outcomes.filter((o) => o.outcome.type === 'failed').length;
  const failedIndexes = failedIndexesOf(job, outcomes, succeededIndexes);
  const created = mine.map((p) => p.containers[0]?.createdAt ?? p.infra?.createdAt).filter((t): t is number => t !== undefined);
  const startTime = rec?.startTime ?? (created.length > 0 ? Math.min(...created) * 1000 : undefined);
  const base = {
    key,
    namespace: job.meta.namespace,
    name: job.meta.name,
    specHash: job.templateHash,
    completions: job.completions,
    startTime,
    spawned: job.createdBy !== undefined,
  };
  const finishedPods = mine.filter((p) => !active.includes(p.name)).map((p) => p.name);
  const facts: RunFacts = {
    active: active.length,
    succeeded,
    failed,
    failJob: outcomes.some((o) => o.action === 'FailJob'),
    failedIndexes: failedIndexes.size,
    successMet: successMet(job.successPolicy, succeededIndexes),
  };
  if (job.createdBy?.remove) return { ...base, phase: rec?.phase ?? 'Failed', active: 0, succeeded, failed, keep: [], create: 0, finishedNow: false };

  const verdict = rec ? { phase: rec.phase, reason: rec.reason } : judge(job, facts, startTime, now);
  if (verdict.phase === 'Complete' || verdict.phase === 'Failed') {
    const completionTime = rec?.completionTime ?? now;
    const expiresAt =
      job.ttlSecondsAfterFinished !== undefined && completionTime !== undefined ? completionTime + job.ttlSecondsAfterFinished * 1000 : undefined;
    const expired = expiresAt !== undefined && now !== undefined && now >= expiresAt;
    return {
      ...base,
      phase: verdict.phase,
      ...(verdict.reason ? { reason: verdict.reason } : {}),
      active: 0,
      succeeded: Math.max(succeeded, rec?.succeeded ?? 0),
      failed: Math.max(failed, rec?.failed ?? 0),
      ...(completionTime !== undefined ? { completionTime } : {}),
      keep: expired ? [] : finishedPods,
      create: 0,
      ...(expiresAt !== undefined && !expired ? { wakeAt: expiresAt } : {}),
      finishedNow: rec === undefined,
    };
  }
  if (verdict.phase === 'Suspended') return { ...base, phase: 'Suspended', active: 0, succeeded, failed, keep: finishedPods, create: 0, finishedNow: false };
  if (job.completionMode === 'Indexed') return indexedRunning(job, { ...base, succeeded, failed }, judged, failedIndexes, now);
  const want = job.completions !== undefined ? Math.min(job.parallelism, job.completions - succeeded) : succeeded > 0 ? 0 : job.parallelism;
  const deadlineAt = job.activeDeadlineSeconds !== undefined && startTime !== undefined ? startTime + job.activeDeadlineSeconds * 1000 : undefined;
  const backoffUntil = now !== undefined ? backoffEnd(outcomes, now) : undefined;
  const waiting = backoffUntil !== undefined && backoffUntil > now!;
  const wakeAt = Math.min(deadlineAt ?? Infinity, waiting ? backoffUntil : Infinity);
  return {
    ...base,
    phase: 'Running',
    active: active.length,
    succeeded,
    failed,
    keep: mine.map((p) => p.name),
    create: waiting ? 0 : Math.max(0, want - active.length),
    ...(Number.isFinite(wakeAt) ? { wakeAt } : {}),
    finishedNow: false,
  };
}

/**
 * An Indexed Job running (Kubernetes' completionMode Indexed): each index in
 * 0..completions-1 needs one succeeded pod; the lowest indexes without a succeeded or active
 * pod get the new ones, at most parallelism active in all.
 */
function indexedRunning(
  job: JobResource,
  base: Omit<JobStatus, 'phase' | 'active' | 'keep' | 'create' | 'finishedNow'>,
  outcomes: readonly Judged[],
  failedIndexes: ReadonlySet<number>,
  now: number | undefined,
): JobStatus {
  const done = new Set(outcomes.filter((o) => o.outcome.type === 'succeeded').map((o) => o.pod.ordinal));
  const busy = new Set(outcomes.filter((o) => o.outcome.type === 'active').map((o) => o.pod.ordinal));
  const active = outcomes.filter((o) => o.outcome.type === 'active').length;
  // With backoffLimitPerIndex each index waits out its own failures (Kubernetes' per-index
  // backoff); without it, every new pod waits out the Job's.
  const perIndex = job.backoffLimitPerIndex !== undefined;
  const counted = outcomes.filter((o) => o.action !== 'Ignore');
  const backoffOf = (i: number) => (now === undefined ? undefined : backoffEnd(perIndex ? counted.filter((o) => o.pod.ordinal === i) : counted, now));
  const free: number[] = [];
  let wakeAt = Infinity;
  for (let i = 0; i < (job.completions ?? 0) && free.length < job.parallelism - active; i++) {
    if (done.has(i) || busy.has(i) || failedIndexes.has(i)) continue;
    const until = backoffOf(i);
    if (until !== undefined && until > now!) wakeAt = Math.min(wakeAt, until);
    else free.push(i);
  }
  const waiting = !perIndex && wakeAt !== Infinity;
  const create = waiting ? [] : free;
  const kept: Record<string, number> = {};
  for (const o of outcomes) if (o.pod.ordinal !== undefined) kept[o.pod.name] = o.pod.ordinal;
  return {
    ...base,
    phase: 'Running',
    active,
    keep: outcomes.map((o) => o.pod.name),
    create: create.length,
    indexes: { kept, create },
    ...(Number.isFinite(wakeAt) ? { wakeAt } : {}),
    finishedNow: false,
  };
}

/** Kubernetes' pod failure backoff: 10 s, doubled per failure, at most 6 min. */
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 360_000;

/**
 * Until when new pods wait after failures (Kubernetes' backoff record: failures since the
 * last success, from the last failure's exit). Exit times come from Docker's status line.
 */
function backoffEnd(outcomes: readonly Judged[], now: number): number | undefined {
  const lastSuccess = Math.max(-Infinity, ...outcomes.filter((o) => o.outcome.type === 'succeeded').map((o) => exitedAt(o.pod, now) * 1000));
  const failures = outcomes
    .filter((o) => o.outcome.type === 'failed')
    .map((o) => exitedAt(o.pod, now) * 1000)
    .filter((t) => t > lastSuccess);
  if (failures.length === 0) return undefined;
  return Math.max(...failures) + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (failures.length - 1));
}

/** What the verdict on a run is drawn from. */
interface RunFacts {
  active: number;
  succeeded: number;
  /** Failed pods, less those the podFailurePolicy ignores. */
  failed: number;
  /** A failed pod matched a FailJob rule. */
  failJob: boolean;
  /** Indexes failed for good (backoffLimitPerIndex, FailIndex). */
  failedIndexes: number;
  successMet: boolean;
}

/**
 * The order of Kubernetes' syncJob: a FailJob rule first, then success (completions, or a
 * successPolicy), then the limits.
 */
function judge(job: JobResource, f: RunFacts, startTime: number | undefined, now: number | undefined): { phase: JobPhase; reason?: JobReason } {
  if (f.failJob) return { phase: 'Failed', reason: 'PodFailurePolicy' };
  if (f.successMet) return { phase: 'Complete', reason: 'SuccessPolicy' };
  // Indexed with backoffLimitPerIndex: every index succeeded or failed for good ends the run.
  const settled = f.succeeded + f.failedIndexes;
  const complete = job.completions !== undefined ? settled >= job.completions : f.succeeded > 0 && f.active === 0;
  if (complete) return f.failedIndexes > 0 ? { phase: 'Failed', reason: 'FailedIndexes' } : { phase: 'Complete' };
  // OnFailure: Docker restarted the container backoffLimit times and gave up (docs/jobs.md).
  const exceeded = job.template.spec.restartPolicy === 'Never' ? f.failed > job.backoffLimit : f.failed > 0;
  if (exceeded) return { phase: 'Failed', reason: 'BackoffLimitExceeded' };
  if (job.maxFailedIndexes !== undefined && f.failedIndexes > job.maxFailedIndexes) return { phase: 'Failed', reason: 'MaxFailedIndexesExceeded' };
  if (job.activeDeadlineSeconds !== undefined && startTime !== undefined && now !== undefined && now - startTime >= job.activeDeadlineSeconds * 1000) {
    return { phase: 'Failed', reason: 'DeadlineExceeded' };
  }
  return job.suspend ? { phase: 'Suspended' } : { phase: 'Running' };
}

/** The containers of a failed pod that exited, init containers included, by their name in the pod spec. */
function exitsOf(p: ObservedPod): ContainerExit[] {
  return [...(p.init ?? []), ...p.containers].flatMap((c) => {
    const exitCode = exitCodeOf(c.status);
    return exitCode === undefined ? [] : [{ name: c.labels[LABEL.container] ?? c.name, exitCode }];
  });
}

/**
 * backoffLimitPerIndex: the indexes failed for good, each with more counted failures than
 * the limit or one FailIndex match, and no success (Kubernetes' failedIndexes).
 */
function failedIndexesOf(job: JobResource, outcomes: readonly Judged[], succeeded: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  if (job.backoffLimitPerIndex === undefined) return out;
  const failures = new Map<number, number>();
  for (const o of outcomes) {
    const i = o.pod.ordinal;
    if (o.outcome.type !== 'failed' || i === undefined || succeeded.has(i)) continue;
    failures.set(i, (failures.get(i) ?? 0) + 1);
    if (o.action === 'FailIndex' || failures.get(i)! > job.backoffLimitPerIndex) out.add(i);
  }
  return out;
}

/**
 * Where a run's record is filed: a declared Job's by key and hash, so going back to a spec
 * that already ran (a rollback) does not run it again; a CronJob's Job by key alone.
 */
export function recordId(job: { key: string; specHash: string; spawned: boolean }): string {
  return job.spawned ? job.key : `${job.key}@${job.specHash}`;
}

/** The status of every Job of `jobs`, from the observed pods and the records of finished runs (by recordId). */
export function jobStatuses(
  jobs: readonly JobResource[],
  pods: readonly ObservedPod[],
  records: ReadonlyMap<string, JobRecord>,
  now: number | undefined,
): Map<string, JobStatus> {
  const byKey = new Map<string, ObservedPod[]>();
  for (const p of pods) if (p.kind === 'Job') byKey.set(observedKey(p), [...(byKey.get(observedKey(p)) ?? []), p]);
  return new Map(
    jobs.map((j) => {
      const key = resourceKey(j);
      return [key, jobStatus(j, byKey.get(key) ?? [], records.get(recordId({ key, specHash: j.templateHash, spawned: j.createdBy !== undefined })), now)];
    }),
  );
}

/** The record of a run that has just finished. */
export function recordOf(s: JobStatus): JobRecord | undefined {
  if (s.phase !== 'Complete' && s.phase !== 'Failed') return undefined;
  return {
    key: s.key,
    ...(s.spawned ? { spawned: true } : {}),
    specHash: s.specHash,
    phase: s.phase,
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.startTime !== undefined ? { startTime: s.startTime } : {}),
    completionTime: s.completionTime ?? 0,
    succeeded: s.succeeded,
    failed: s.failed,
  };
}

const UNITS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };

/**
 * When a pod's container exited (unix s), from Docker's status line ("Exited (0) 5 seconds
 * ago", "About a minute ago"): the list call carries no exit time, and this is as precise as
 * that line (seconds, then minutes, ...).
 */
export function exitedAt(p: ObservedPod, nowMs: number): number {
  const m = /^Exited \(-?\d+\) (.+) ago$/.exec(p.containers[0]?.status ?? '');
  if (!m) return nowMs / 1000;
  const text = m[1]!.toLowerCase();
  const n = /^(\d+) (second|minute|hour|day|week)s?$/.exec(text);
  const about = /^about an? (minute|hour)$/.exec(text);
  const ago = n ? Number(n[1]) * UNITS[n[2]!]! : about ? UNITS[about[1]!]! : 0;
  return nowMs / 1000 - ago;
}
