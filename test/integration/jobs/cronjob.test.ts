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
import { observe } from '../../../src/observe';
import { splitTerminating, TerminationLedger } from '../../../src/rollout/terminating';

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

  function applier(now?: () => number): EngineApplier {
    return new EngineApplier(h.runtime, {
      instance: h.instance,
      stateDir: h.stateDir,
      pauseImage: TEST_IMAGE,
      pauseCommand: PAUSE_COMMAND,
      prune: true,
      pollMs: 200,
      log: () => undefined,
      cronScheduler: scheduler,
      ...(now ? { now } : {}),
    });
  }

  /** Live (not terminating) pods of the CronJob's Jobs: Job name -> container states. */
  async function runs(): Promise<Map<string, string[]>> {
    const byJob = new Map<string, string[]>();
    const split = splitTerminating(await observe(h.runtime, h.instance), await new TerminationLedger(h.stateDir, h.instance).list());
    for (const p of split.pods) if (p.kind === 'Job') byJob.set(p.owner, [...(byJob.get(p.owner) ?? []), p.containers[0]?.state ?? 'none']);
    return byJob;
  }

  /** Steps (self-heal, as the operator does after convergence) until `done` holds. */
  async function stepUntil(
    a: EngineApplier,
    desired: DesiredState,
    what: string,
    done: (jobs: Map<string, string[]>) => boolean,
  ): Promise<Map<string, string[]>> {
    return pollUntil(
      async () => {
        await a.step(desired, 'r1', 'self-heal');
        const byJob = await runs();
        return done(byJob) ? byJob : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what },
    );
  }

  const completed = (j: Map<string, string[]>) => [...j].filter(([, s]) => s.every((x) => x === 'exited')).map(([name]) => name);

  it('fires on schedule: the scheduler ticks wake the loop and Jobs <cronjob>-<time> run to completion', async () => {
    const dir = await ManifestDir.create({ 'cj.yaml': cronJob('tick', '  concurrencyPolicy: Forbid', 'echo tick') });
    const desired = await desiredOf(dir);
    const jobs = await stepUntil(applier(), desired, 'two completed runs', (j) => completed(j).length >= 2);
    for (const name of jobs.keys()) assert.match(name, /^tick-\d{10}$/);
    assert.ok(wakes > 0, 'the scheduler never ticked');
  });

  /** A clock the test moves: one schedule time at a time, so what runs is decided by the test alone. */
  const T0 = Math.ceil(Date.now() / 60_000) * 60_000;

  it('Forbid: while a Job runs, later schedule times start nothing', async () => {
    let now = T0;
    const dir = await ManifestDir.create({ 'cj.yaml': cronJob('slow', '  concurrencyPolicy: Forbid', 'sleep 30').replace('"*/1 * * * * *"', '"* * * * *"') });
    const desired = await desiredOf(dir);
    const a = applier(() => now);
    await a.step(desired, 'r1', 'self-heal');
    now = T0 + 61_000;
    const first = await stepUntil(a, desired, 'the first run', (j) => j.size === 1);
    for (const minutes of [2, 3]) {
      now = T0 + minutes * 60_000 + 1000;
      await a.step(desired, 'r1', 'self-heal');
      await a.step(desired, 'r1', 'self-heal');
      assert.deepEqual([...(await runs()).keys()], [...first.keys()], `a run started at minute ${minutes} while ${[...first.keys()]} ran`);
    }
  });

  it('history limits: older finished Jobs are removed with their pods', async () => {
    let now = T0;
    const dir = await ManifestDir.create({
      'cj.yaml': cronJob('hist', '  successfulJobsHistoryLimit: 1', 'echo done').replace('"*/1 * * * * *"', '"* * * * *"'),
    });
    const desired = await desiredOf(dir);
    const a = applier(() => now);
    await a.step(desired, 'r1', 'self-heal');
    const names: string[] = [];
    for (const minutes of [1, 2, 3]) {
      now = T0 + minutes * 60_000 + 1000;
      const name = `hist-${T0 / 60_000 + minutes}`;
      names.push(name);
      await stepUntil(a, desired, `${name} to complete`, (j) => completed(j).includes(name));
    }
    const left = await stepUntil(a, desired, 'the older runs to go', (j) => j.size === 1);
    assert.deepEqual([...left.keys()], [names[2]]);
  });
});
