/** The jobs folder's public surface: other folders import from here, not from its files. */
export { JobController, previewJobs } from './controller';
export { jobPods } from './pods';
export { CronScheduler } from './scheduler';
export { exitedAt, jobStatuses, podOutcome, type JobStatus } from './status';
