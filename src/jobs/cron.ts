/**
 * A CronJob's controller, pure (Kubernetes' pkg/controller/cronjob/cronjob_controllerv2.go,
 * syncCronJob): from its saved state (store.ts), the status of the Jobs it made and the clock,
 * which Job to create now and which to discard.
 * - The latest scheduled time in (lastScheduleTime, or when berth first saw the CronJob;
 *   now]; with startingDeadlineSeconds nothing older than now - deadline. Missed times
 *   collapse into that one run, so a restart never fires twice for the same time.
 * - Forbid: while a Job of it is active, nothing starts and lastScheduleTime stays (the
 *   missed time runs once the active Job ends, if still within startingDeadlineSeconds).
 * - Replace: the active Jobs are discarded, then the new one starts. Allow: it just starts.
 * - suspend: nothing new starts; running Jobs go on.
 * - successfulJobsHistoryLimit / failedJobsHistoryLimit: older finished Jobs are discarded.
 * A discarded Job stays listed (with `remove`) until its pods are gone.
 */
import { resourceKey, type CronJobResource, type JobResource } from '../model';
import { mostRecentTime, parseSchedule, scheduledJobName } from '../model';
import type { JobStatus } from './status';

export interface CronJobRun {
  name: string;
  scheduledTime: number;
  /** Discarded (history limit, Replace): its pods are removed, then it is forgotten. */
  remove?: boolean;
}

export interface CronJobState {
  /** Unix ms: when berth first saw this CronJob (Kubernetes: its creationTimestamp). */
  since: number;
  lastScheduleTime?: number;
  runs: CronJobRun[];
}

export interface CronDecision {
  state: CronJobState;
  /** The Job started now, if any. */
  started?: CronJobRun;
  /** Why nothing started at a due time (Forbid), for the log. */
  skipped?: string;
}

const isActive = (s: JobStatus | undefined) => s === undefined || s.phase === 'Running' || s.phase === 'Suspended';

/** `statuses`: by Job key; `podsLeft`: Job names that still have pods. */
export function cronStep(
  cj: CronJobResource,
  saved: CronJobState | undefined,
  statuses: ReadonlyMap<string, JobStatus>,
  podsLeft: ReadonlySet<string>,
  now: number,
): CronDecision {
  const statusOf = (r: CronJobRun) => statuses.get(`Job/${cj.meta.namespace}/${r.name}`);
  let runs = (saved?.runs ?? []).filter((r) => !r.remove || podsLeft.has(r.name));
  runs = applyHistoryLimits(cj, runs, statusOf);
  const state: CronJobState = {
    since: saved?.since ?? now,
    ...(saved?.lastScheduleTime !== undefined ? { lastScheduleTime: saved.lastScheduleTime } : {}),
    runs,
  };
  const parsed = parseSchedule(cj.schedule);
  if (cj.suspend || !parsed.ok) return { state };
  let earliest = state.lastScheduleTime ?? state.since;
  if (cj.startingDeadlineSeconds !== undefined) earliest = Math.max(earliest, now - cj.startingDeadlineSeconds * 1000);
  const due = mostRecentTime(parsed.schedule, cj.timeZone, earliest, now);
  if (!due) return { state };
  const active = runs.filter((r) => !r.remove && isActive(statusOf(r)));
  if (cj.concurrencyPolicy === 'Forbid' && active.length > 0)
    return { state, skipped: `${active.map((r) => r.name).join(', ')} still active (concurrencyPolicy Forbid)` };
  const name = scheduledJobName(cj.meta.name, parsed.schedule, due.time);
  state.lastScheduleTime = due.time;
  if (runs.some((r) => r.name === name)) return { state };
  if (cj.concurrencyPolicy === 'Replace') state.runs = runs.map((r) => (active.includes(r) ? { ...r, remove: true } : r));
  const started: CronJobRun = { name, scheduledTime: due.time };
  state.runs = [...state.runs, started];
  return { state, started };
}

function applyHistoryLimits(cj: CronJobResource, runs: CronJobRun[], statusOf: (r: CronJobRun) => JobStatus | undefined): CronJobRun[] {
  const discard = new Set<string>();
  for (const [phase, limit] of [
    ['Complete', cj.successfulJobsHistoryLimit],
    ['Failed', cj.failedJobsHistoryLimit],
  ] as const) {
    const finished = runs.filter((r) => !r.remove && statusOf(r)?.phase === phase).sort((a, b) => b.scheduledTime - a.scheduledTime);
    for (const r of finished.slice(limit)) discard.add(r.name);
  }
  return runs.map((r) => (discard.has(r.name) ? { ...r, remove: true } : r));
}

/** The Jobs a CronJob's runs stand for, from its current jobTemplate. */
export function cronJobJobs(cj: CronJobResource, state: CronJobState | undefined): JobResource[] {
  return (state?.runs ?? []).map((r) => ({
    kind: 'Job',
    meta: { name: r.name, namespace: cj.meta.namespace, labels: cj.jobTemplate.labels, annotations: cj.jobTemplate.annotations, source: cj.meta.source },
    ...cj.jobTemplate.spec,
    createdBy: { cronJob: cj.meta.name, scheduledTime: r.scheduledTime, ...(r.remove ? { remove: true } : {}) },
  }));
}

export function cronKey(cj: CronJobResource): string {
  return resourceKey(cj);
}
