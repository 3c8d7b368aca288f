/**
 * `berth run` with a Job and a CronJob: the commit succeeds once the Job completed; the
 * status API shows both; the CronJob fires on its (fast) schedule from the operator's
 * scheduler; after a restart it goes on firing without running a scheduled time twice.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL } from '../helpers/operator';
import { TEST_IMAGE } from '../helpers/testImage';

const podSpec = (command: string) => `restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
            - name: work
              image: ${TEST_IMAGE}
              imagePullPolicy: Never
              command: ["sh", "-c", ${JSON.stringify(command)}]`;

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: setup
spec:
  completions: 2
  template:
    spec:
      ${podSpec('echo setup').replace(/\n {4}/g, '\n')}
`;

const CRON = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: "*/1 * * * * *"
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  jobTemplate:
    spec:
      template:
        spec:
          ${podSpec('echo tick')}
`;

describe('e2e: Jobs and CronJobs under berth run', function () {
  this.timeout(120_000);
  const env = new E2EEnv('op-jobs');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  it('a Job completes before the commit succeeds; a CronJob fires, and after a restart fires on without repeating a time', async () => {
    const repo = await makeRepo();
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const sha = await commitFiles(repo, { 'job.yaml': JOB, 'cron.yaml': CRON }, 'job and cronjob');
    let op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 60_000);
    const setup = (await containersOf(env.runtime, instance)).filter((c) => c.labels[LABEL.owner] === 'setup');
    assert.deepEqual(
      setup.map((c) => c.state),
      ['exited', 'exited'],
    );
    const status = await op.status();
    const job = status.resources.find((r) => r.kind === 'Job' && r.name === 'setup');
    assert.deepEqual([job?.health, job?.message], ['Healthy', 'job completed: 2/2 completions']);
    assert.equal(status.resources.find((r) => r.kind === 'CronJob')?.health, 'Healthy');

    const ticks = async () => {
      const cs = (await containersOf(env.runtime, instance)).filter((c) => c.labels[LABEL.kind] === 'Job' && c.labels[LABEL.owner]?.startsWith('tick-'));
      return cs.map((c) => c.labels[LABEL.owner]!);
    };
    const before = await pollUntil(async () => ((await ticks()).length >= 2 ? ticks() : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: `two CronJob runs; operator output:\n${op.tail()}`,
    });
    await op.kill('SIGTERM');
    op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    const last = Math.max(...before.map((n) => Number(n.slice('tick-'.length))));
    const after = await pollUntil(async () => ((await ticks()).some((n) => Number(n.slice('tick-'.length)) > last) ? ticks() : undefined), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: `a run after the restart; operator output:\n${op.tail()}`,
    });
    // One pod per scheduled time: no time ran twice, before or after the restart.
    assert.equal(new Set(after).size, after.length, `a scheduled time ran twice: ${after.join(', ')}`);
    await op.kill('SIGTERM');
  });
});
