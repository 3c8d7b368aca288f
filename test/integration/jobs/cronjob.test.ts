/**
 * CronJobs on the real engine, driven as `berth run` drives them: the applier with a
 * scheduler whose ticks wake the loop (here: a step). A fast schedule (the seconds-field
 * extension) fires Jobs named after their scheduled time; Forbid skips while one runs;
 * history limits remove older finished Jobs with their pods.
 */
import { strict as assert } from 'node:assert';
import { EngineApplier } from '../../../src/rollout/applier';
import { CronScheduler } from '../../../src/jobs/scheduler';
import { pollUntil } from '../../../src/util/eventually';
import { ManifestDir } from '../../helpers/manifests';
import { PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';
import { ApplyHarness, desiredOf } from '../apply/harness';
import type { DesiredState } from '../../../src/model/types';

function cronJob(name: string, spec: string, command: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "*/1 * * * * *"
${spec}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
            - name: tick
              image: ${TEST_IMAGE}
              imagePullPolicy: Never
              command: ["sh", "-c", ${JSON.stringify(command)}]
`;
}

describe('CronJob (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;
  let scheduler: CronScheduler;
  let wakes = 0;

  beforeEach(async () => {
    h = await ApplyHarness.create('cron');
    wakes = 0;
    scheduler = new CronScheduler(() => wakes++);
  });
  afterEach(async () => {
    scheduler.stop();
    await h?.cleanup();
  });

  function applier(): EngineApplier {
    return new EngineApplier(h.runtime, { instance: h.instance, stateDir: h.stateDir, pauseImage: TEST_IMAGE, pauseCommand: PAUSE_COMMAND, prune: true, pollMs: 200, log: () => undefined, cronScheduler: scheduler });
  }

  /** Steps (self-heal, as the operator does after convergence) until `done` holds. */
  async function stepUntil(a: EngineApplier, desired: DesiredState, what: string, done: (jobs: Map<string, string[]>) => boolean): Promise<Map<string, string[]>> {
    return pollUntil(
      async () => {
        await a.step(desired, 'r1', 'self-heal');
        const byJob = new Map<string, string[]>();
        for (const p of await h.livePodsOf('', 'default').then(() => h.pods())) if (p.kind === 'Job') byJob.set(p.owner, [...(byJob.get(p.owner) ?? []), p.containers[0]!.state]);
        return done(byJob) ? byJob : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what },
    );
  }

  it('fires on schedule: each tick wakes the loop and a Job <cronjob>-<time> runs to completion', async () => {
    const dir = await ManifestDir.create({ 'cj.yaml': cronJob('tick', '  successfulJobsHistoryLimit: 2', 'echo tick') });
    const desired = await desiredOf(dir);
    const a = applier();
    const jobs = await stepUntil(a, desired, 'two completed runs', (j) => [...j.values()].filter((s) => s.every((x) => x === 'exited')).length >= 2);
    for (const name of jobs.keys()) assert.match(name, /^tick-\d{10}$/);
    assert.ok(wakes > 0, 'the scheduler never ticked');
    // History: never more than 2 succeeded Jobs kept (one more may be running or just done).
    await stepUntil(a, desired, 'history pruned to the limit', (j) => j.size >= 2 && [...j.values()].filter((s) => s.every((x) => x === 'exited')).length <= 2 && wakes > 6);
  });

  it('Forbid: no new Job starts while one runs', async () => {
    const dir = await ManifestDir.create({ 'cj.yaml': cronJob('slow', '  concurrencyPolicy: Forbid', 'sleep 4') });
    const desired = await desiredOf(dir);
    const a = applier();
    await stepUntil(a, desired, 'a first run', (j) => j.size === 1);
    const first = wakes;
    // Several ticks later, still that one Job.
    const jobs = await stepUntil(a, desired, 'three more ticks', () => wakes >= first + 3);
    const running = [...jobs.values()].filter((s) => s.includes('running'));
    assert.ok(jobs.size === 1 || running.length === 0, `more than one job ran at once: ${JSON.stringify([...jobs])}`);
    assert.ok(running.length <= 1);
  });
});
