/**
 * What the applier does for Jobs and CronJobs at each look (I/O at the edges of the pure
 * rules in status.ts and cron.ts): the desired state grows by the Jobs the CronJobs made,
 * each Job is judged from the engine's pods, a run that just finished is recorded before any
 * of its pods is removed, the loop is woken at the next deadline or TTL, and (under
 * `berth run` only, with a scheduler) the CronJobs start what is due.
 */
import { resourceKey, type DesiredState } from '../model';
import type { ObservedState } from '../observe';
import { cronJobHealth, jobHealth } from '../health';
import type { WorkloadHealth } from '../health';
import { cronJobJobs, cronStep, type CronJobState } from './cron';
import { JobRecordStore } from './records';
import type { CronScheduler } from './scheduler';
import { jobStatuses, recordOf, type JobRecord, type JobStatus } from './status';
import { CronJobStore } from './store';
import { WakeTimer } from './wakeTimer';

export class JobController {
  private readonly records: JobRecordStore;
  private readonly cronStore: CronJobStore;
  private readonly timer: WakeTimer;
  statuses: ReadonlyMap<string, JobStatus> = new Map();

  constructor(
    stateDir: string,
    instance: string,
    wake: () => void,
    private readonly scheduler?: CronScheduler,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => undefined,
  ) {
    this.records = new JobRecordStore(stateDir, instance);
    this.cronStore = new CronJobStore(stateDir, instance);
    this.timer = new WakeTimer(wake);
  }

  /** `desired` with the Jobs its CronJobs made. */
  async expand(desired: DesiredState): Promise<DesiredState> {
    if (desired.cronJobs.length === 0) return desired;
    const states = await this.cronStore.load();
    const made = desired.cronJobs.flatMap((cj) => cronJobJobs(cj, states.get(resourceKey(cj))));
    return { ...desired, jobs: [...desired.jobs, ...made] };
  }

  /** Judges every Job of `full` (an expand()ed state); records runs that just finished. */
  async judge(full: DesiredState, observed: ObservedState, now: number): Promise<ReadonlyMap<string, JobStatus>> {
    const jobs = jobStatuses(full.jobs, observed.pods, await this.records.load(), now);
    const finished = [...jobs.values()]
      .filter((j) => j.finishedNow)
      .map(recordOf)
      .filter((r): r is JobRecord => r !== undefined);
    await this.records.update(finished, new Set(full.jobs.map(resourceKey)));
    this.timer.at(Math.min(...[...jobs.values()].map((j) => j.wakeAt ?? Infinity)), now);
    this.statuses = jobs;
    return jobs;
  }

  /** The CronJobs' turn (only with a scheduler): true when a Job was started or discarded. */
  async cronTurn(desired: DesiredState, observed: ObservedState, now: number): Promise<boolean> {
    if (!this.scheduler) return false;
    this.scheduler.sync(desired.cronJobs);
    const saved = await this.cronStore.load();
    const withPods = new Set(observed.pods.filter((p) => p.kind === 'Job').map((p) => p.owner));
    const next = new Map<string, CronJobState>();
    for (const cj of desired.cronJobs) {
      const d = cronStep(cj, saved.get(resourceKey(cj)), this.statuses, withPods, now);
      if (d.started)
        this.log('cronjob started a job', { cronJob: resourceKey(cj), job: d.started.name, scheduledTime: new Date(d.started.scheduledTime).toISOString() });
      if (d.skipped) this.log('cronjob skipped a run', { cronJob: resourceKey(cj), reason: d.skipped });
      next.set(resourceKey(cj), d.state);
    }
    const before = JSON.stringify([...saved.values()]);
    await this.cronStore.save(next);
    return JSON.stringify([...(await this.cronStore.load()).values()]) !== before;
  }

  /** Health of the CronJobs and of the Jobs they made: shown, never the commit's (health/jobs.ts). */
  async cronHealth(desired: DesiredState, full: DesiredState): Promise<WorkloadHealth[]> {
    const states = await this.cronStore.load();
    const made = full.jobs.filter((j) => j.createdBy && !j.createdBy.remove);
    return [
      ...desired.cronJobs.map((cj) => {
        const active = made.filter(
          (j) => j.createdBy?.cronJob === cj.meta.name && j.meta.namespace === cj.meta.namespace && this.statuses.get(resourceKey(j))?.phase === 'Running',
        ).length;
        return cronJobHealth(cj, active, states.get(resourceKey(cj))?.lastScheduleTime);
      }),
      ...made.map((j) => jobHealth(j, this.statuses.get(resourceKey(j)))),
    ];
  }

  /** Whether `key` is a Job whose run finished (as of the last judge()). */
  finished(key: string): boolean {
    const phase = this.statuses.get(key)?.phase;
    return phase === 'Complete' || phase === 'Failed';
  }

  stop(): void {
    this.timer.stop();
    this.scheduler?.stop();
  }
}

/**
 * What a plan preview (`berth diff`) needs to plan Jobs as the applier would: the Jobs the
 * CronJobs made and each Job's status with the records of finished runs. Writes nothing.
 */
export async function previewJobs(
  stateDir: string,
  instance: string,
  desired: DesiredState,
  observed: ObservedState,
  now: number,
): Promise<{ full: DesiredState; jobs: ReadonlyMap<string, JobStatus> }> {
  const control = new JobController(stateDir, instance, () => undefined);
  const full = await control.expand(desired);
  return { full, jobs: jobStatuses(full.jobs, observed.pods, await new JobRecordStore(stateDir, instance).load(), now) };
}
