/** Job and CronJob manifests into the model: defaults, and the errors Kubernetes would give. */
import { strict as assert } from 'node:assert';
import { build, container, withCode } from './helpers';

const jobDoc = (spec: Record<string, unknown>, podSpec: Record<string, unknown> = { restartPolicy: 'Never' }) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j' },
  spec: { ...spec, template: { spec: { containers: [container()], ...podSpec } } },
});

const cronDoc = (schedule: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'c' },
  spec: { schedule, ...extra, jobTemplate: { spec: { template: { spec: { containers: [container()], restartPolicy: 'OnFailure' } } } } },
});

describe('model: Job and CronJob', () => {
  it('a Job gets Kubernetes defaults and a run hash', () => {
    const j = build([jobDoc({})]).desired.jobs[0]!;
    assert.deepEqual([j.completions, j.parallelism, j.backoffLimit, j.completionMode, j.templateHash.length], [1, 1, 6, 'NonIndexed', 10]);
  });

  it('restartPolicy missing or Always in a Job template is an error (Kubernetes refuses Always)', () => {
    assert.equal(withCode(build([jobDoc({}, {})]).problems, 'job.restart-policy').length, 1);
    assert.equal(withCode(build([jobDoc({}, { restartPolicy: 'Always' })]).problems, 'job.restart-policy').length, 1);
  });

  it('parallelism without completions is a work queue', () => {
    assert.equal(build([jobDoc({ parallelism: 3 })]).desired.jobs[0]!.completions, undefined);
  });

  it('CronJob: defaults; a bad schedule or time zone is an error; a seconds field a warning', () => {
    const c = build([cronDoc('*/5 * * * *')]);
    assert.deepEqual([c.problems.length, c.desired.cronJobs[0]!.concurrencyPolicy, c.desired.cronJobs[0]!.successfulJobsHistoryLimit], [0, 'Allow', 3]);
    assert.equal(withCode(build([cronDoc('61 * * * *')]).problems, 'cronjob.schedule')[0]?.severity, 'error');
    assert.equal(withCode(build([cronDoc('*/2 * * * * *')]).problems, 'cronjob.seconds')[0]?.severity, 'warning');
    assert.equal(withCode(build([cronDoc('@daily', { timeZone: 'Mars/Olympus' })]).problems, 'cronjob.time-zone').length, 1);
  });
});
