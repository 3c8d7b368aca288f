/**
 * Health of Jobs and CronJobs, as Argo CD judges them: a Job is Healthy when complete,
 * Progressing while it runs, Degraded when it failed, Suspended when suspended. A CronJob is
 * Healthy (Suspended when suspended): the runs it makes are its Jobs' business, and a failed
 * run does not make the commit that declared the CronJob bad (docs/jobs.md).
 */
import type { HealthCode } from './types';
import { resourceKey, type CronJobResource, type JobResource } from '../model';
import type { JobStatus } from '../jobs';
import type { WorkloadHealth } from './workload';

export function completionsText(s: Pick<JobStatus, 'succeeded' | 'completions'>): string {
  return `${s.succeeded}/${s.completions ?? 1}`;
}

export function jobHealth(job: JobResource, s: JobStatus | undefined): WorkloadHealth {
  const result = (health: HealthCode, message: string): WorkloadHealth => ({
    key: resourceKey(job),
    kind: 'Job',
    namespace: job.meta.namespace,
    name: job.meta.name,
    health,
    message,
  });
  if (!s) return result('Missing', 'job has not started yet');
  const done = `${completionsText(s)} completions`;
  switch (s.phase) {
    case 'Complete':
      return result('Healthy', `job completed: ${done}`);
    case 'Failed':
      return result('Degraded', failedMessage(job, s, done));
    case 'Suspended':
      return result('Suspended', `job is suspended (${done})`);
    case 'Running':
      return result('Progressing', `${done}, ${s.active} active${s.failed ? `, ${s.failed} failed` : ''}`);
  }
}

function failedMessage(job: JobResource, s: JobStatus, done: string): string {
  switch (s.reason) {
    case 'DeadlineExceeded':
      return `DeadlineExceeded: job was active longer than activeDeadlineSeconds ${job.activeDeadlineSeconds} (${done})`;
    case 'PodFailurePolicy':
      return `PodFailurePolicy: a failed pod matched a FailJob rule of the podFailurePolicy (${done})`;
    case 'FailedIndexes':
      return `FailedIndexes: every index succeeded or failed, and some failed (backoffLimitPerIndex ${job.backoffLimitPerIndex}) (${done})`;
    case 'MaxFailedIndexesExceeded':
      return `MaxFailedIndexesExceeded: more failed indexes than maxFailedIndexes ${job.maxFailedIndexes} (${done})`;
    default:
      return `BackoffLimitExceeded: ${s.failed} failed pod(s), backoffLimit ${job.backoffLimit} (${done})`;
  }
}

export function cronJobHealth(cj: CronJobResource, active: number, lastSchedule: number | undefined): WorkloadHealth {
  const last = lastSchedule !== undefined ? `last scheduled ${new Date(lastSchedule).toISOString()}` : 'not scheduled yet';
  return {
    key: resourceKey(cj),
    kind: 'CronJob',
    namespace: cj.meta.namespace,
    name: cj.meta.name,
    health: cj.suspend ? 'Suspended' : 'Healthy',
    message: `schedule "${cj.schedule}", ${active} active, ${last}`,
  };
}
