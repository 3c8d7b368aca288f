/** The pure Job counting rules and the CronJob schedule rules, without an engine. */
import { strict as assert } from 'node:assert';
import { jobStatus, podOutcome, type JobRecord } from '../../../src/jobs/status';
import { cronStep, type CronJobState } from '../../../src/jobs/cron';
import { mostRecentTime, parseSchedule, scheduledJobName } from '../../../src/model/schedule';
import type { CronJobResource, JobResource } from '../../../src/model/types';
import type { ObservedPod } from '../../../src/observe/types';
import type { ContainerState } from '../../../src/runtime/types';

const HASH = 'abc123';

function job(over: Partial<JobResource> = {}, restartPolicy: 'Never' | 'OnFailure' = 'Never'): JobResource {
  return {
    kind: 'Job',
    meta: { name: 'j', namespace: 'default', labels: {}, annotations: {}, source: { file: 'j.yaml', line: 1, col: 1 } },
    completions: 1,
    parallelism: 1,
    backoffLimit: 6,
    completionMode: 'NonIndexed',
    suspend: false,
    template: {
      labels: {},
      annotations: {},
      spec: { containers: [], initContainers: [], volumes: [], restartPolicy, terminationGracePeriodSeconds: 30, hostNetwork: false, hostPID: false },
    },
    templateHash: HASH,
    ...over,
  };
}

/** A pod of job `j` in state `state` (`exited:N` for an exit code), created at `createdAt` s. */
function pod(name: string, state: string, createdAt = 100, specHash = HASH, ago = '1 second'): ObservedPod {
  const [s, code] = state.split(':') as [ContainerState, string?];
  const status = s === 'exited' ? `Exited (${code}) ${ago} ago` : 'Up 1 second';
  return {
    namespace: 'default',
    name,
    kind: 'Job',
    owner: 'j',
    specHash,
    revision: 'r',
    containers: [{ id: name, name, image: 'i', labels: {}, state: s, status, createdAt, networks: {} }],
  };
}

describe('jobs: pod outcomes', () => {
  const cases: [string, string][] = [
    ['running', 'active'],
    ['exited:0', 'succeeded'],
    ['exited:1', 'failed'],
    ['created', 'active'],
  ];
  for (const [state, want] of cases) it(`${state} -> ${want}`, () => assert.equal(podOutcome(pod('p', state)).type, want));
});

describe('jobs: status', () => {
  it('completions 2, parallelism 1: one pod at a time until 2 succeeded', () => {
    const j = job({ completions: 2 });
    assert.deepEqual([jobStatus(j, [], undefined, 0).create, jobStatus(j, [], undefined, 0).phase], [1, 'Running']);
    assert.equal(jobStatus(j, [pod('a', 'running')], undefined, 0).create, 0);
    assert.equal(jobStatus(j, [pod('a', 'exited:0')], undefined, 0).create, 1);
    assert.equal(jobStatus(j, [pod('a', 'exited:0'), pod('b', 'exited:0')], undefined, 0).phase, 'Complete');
  });

  it('parallelism 3, completions 4, one succeeded: 3 active at most', () => {
    const s = jobStatus(job({ completions: 4, parallelism: 3 }), [pod('a', 'exited:0'), pod('b', 'running')], undefined, 0);
    assert.deepEqual([s.active, s.create], [1, 2]);
  });

  it('Never: fails when failed > backoffLimit (Kubernetes exceedsBackoffLimit)', () => {
    const j = job({ backoffLimit: 1 });
    const long = pod('a', 'exited:1', 100, HASH, '2 minutes');
    assert.deepEqual([jobStatus(j, [long], undefined, 0).phase, jobStatus(j, [long], undefined, 0).create], ['Running', 1]);
    const s = jobStatus(j, [pod('a', 'exited:1'), pod('b', 'exited:1')], undefined, 0);
    assert.deepEqual([s.phase, s.reason, s.failed, s.create], ['Failed', 'BackoffLimitExceeded', 2, 0]);
  });

  it('a failed pod is replaced after Kubernetes backoff: 10 s after its exit, doubled per failure', () => {
    const j = job();
    const one = jobStatus(j, [pod('a', 'exited:1', 100, HASH, '4 seconds')], undefined, 100_000);
    assert.deepEqual([one.create, one.wakeAt], [0, 106_000]);
    assert.equal(jobStatus(j, [pod('a', 'exited:1', 100, HASH, '11 seconds')], undefined, 100_000).create, 1);
    const two = jobStatus(j, [pod('a', 'exited:1', 100, HASH, '30 seconds'), pod('b', 'exited:1', 100, HASH, '11 seconds')], undefined, 100_000);
    assert.deepEqual([two.create, two.wakeAt], [0, 109_000]);
  });

  it('OnFailure: a pod Docker gave up on fails the Job', () => {
    assert.equal(jobStatus(job({ backoffLimit: 3 }, 'OnFailure'), [pod('a', 'exited:2')], undefined, 0).reason, 'BackoffLimitExceeded');
  });

  it('activeDeadlineSeconds from the first pod: DeadlineExceeded, active pods not kept', () => {
    const j = job({ activeDeadlineSeconds: 10 });
    const before = jobStatus(j, [pod('a', 'running', 100)], undefined, 105_000);
    assert.deepEqual([before.phase, before.wakeAt], ['Running', 110_000]);
    const after = jobStatus(j, [pod('a', 'running', 100)], undefined, 110_000);
    assert.deepEqual([after.phase, after.reason, after.keep], ['Failed', 'DeadlineExceeded', []]);
  });

  it('ttlSecondsAfterFinished: finished pods kept until then, then none', () => {
    const j = job({ ttlSecondsAfterFinished: 5 });
    const rec: JobRecord = { key: 'Job/default/j', specHash: HASH, phase: 'Complete', completionTime: 1000, succeeded: 1, failed: 0 };
    assert.deepEqual(jobStatus(j, [pod('a', 'exited:0')], rec, 3000).keep, ['a']);
    assert.deepEqual(jobStatus(j, [pod('a', 'exited:0')], rec, 6000).keep, []);
  });

  it('a finished run stays finished when its pods are gone; another spec is a new run', () => {
    const rec: JobRecord = { key: 'Job/default/j', specHash: HASH, phase: 'Complete', completionTime: 1000, succeeded: 1, failed: 0 };
    assert.deepEqual([jobStatus(job(), [], rec, 9000).phase, jobStatus(job(), [], rec, 9000).create], ['Complete', 0]);
    const changed = jobStatus(job({ templateHash: 'other' }), [pod('a', 'exited:0')], rec, 9000);
    assert.deepEqual([changed.phase, changed.create, changed.keep], ['Running', 1, []]);
  });

  it('Indexed: the lowest indexes without a succeeded or active pod get the new pods', () => {
    const indexed = (name: string, state: string, i: number) => ({ ...pod(name, state), ordinal: i });
    const s = jobStatus(
      job({ completions: 4, parallelism: 2, completionMode: 'Indexed' }),
      [indexed('a', 'exited:0', 0), indexed('b', 'exited:0', 0), indexed('c', 'running', 2)],
      undefined,
      0,
    );
    assert.deepEqual([s.succeeded, s.indexes?.create], [1, [1]]);
  });

  it('without completions (a work queue): done when one succeeded and none runs', () => {
    const j = job({ completions: undefined, parallelism: 2 });
    assert.equal(jobStatus(j, [pod('a', 'exited:0'), pod('b', 'running')], undefined, 0).create, 0);
    assert.equal(jobStatus(j, [pod('a', 'exited:0'), pod('b', 'exited:0')], undefined, 0).phase, 'Complete');
  });
});

function cron(over: Partial<CronJobResource> = {}): CronJobResource {
  return {
    kind: 'CronJob',
    meta: { name: 'c', namespace: 'default', labels: {}, annotations: {}, source: { file: 'c.yaml', line: 1, col: 1 } },
    schedule: '*/5 * * * *',
    concurrencyPolicy: 'Allow',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    jobTemplate: { labels: {}, annotations: {}, spec: job() },
    ...over,
  };
}

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('jobs: schedules', () => {
  it('five fields and macros are what users write; a seconds field is the extension; TZ= is refused', () => {
    assert.deepEqual(parseSchedule('@hourly'), { ok: true, schedule: { expression: '0 * * * *', seconds: false } });
    assert.equal(parseSchedule('*/2 * * * * *').ok && parseSchedule('*/2 * * * * *').ok, true);
    assert.equal(parseSchedule('CRON_TZ=UTC 0 * * * *').ok, false);
    assert.equal(parseSchedule('* * *').ok, false);
  });

  it('the most recent scheduled time, and how many were missed', () => {
    const s = (parseSchedule('*/5 * * * *') as { schedule: { expression: string; seconds: boolean } }).schedule;
    assert.deepEqual(mostRecentTime(s, undefined, T0, T0 + 17 * MIN), { time: T0 + 15 * MIN, missed: 3 });
    assert.equal(mostRecentTime(s, undefined, T0, T0 + 4 * MIN), undefined);
    assert.equal(scheduledJobName('c', s, T0 + 15 * MIN), `c-${(T0 + 15 * MIN) / MIN}`);
  });

  it('timeZone shifts the hours', () => {
    const s = (parseSchedule('0 9 * * *') as { schedule: { expression: string; seconds: boolean } }).schedule;
    assert.equal(mostRecentTime(s, 'Europe/Berlin', T0, T0 + 24 * 60 * MIN)?.time, Date.UTC(2026, 0, 1, 8));
  });
});

describe('jobs: the CronJob controller', () => {
  const state = (over: Partial<CronJobState> = {}): CronJobState => ({ since: T0, runs: [], ...over });

  it('nothing before the first time after berth saw it; then one Job for the latest missed time', () => {
    assert.equal(cronStep(cron(), undefined, new Map(), new Set(), T0).started, undefined);
    const d = cronStep(cron(), state(), new Map(), new Set(), T0 + 17 * MIN);
    assert.deepEqual([d.started?.scheduledTime, d.state.lastScheduleTime], [T0 + 15 * MIN, T0 + 15 * MIN]);
    // The same time again (a second tick, a restart): nothing new.
    assert.equal(cronStep(cron(), d.state, new Map(), new Set(), T0 + 18 * MIN).started, undefined);
  });

  it('startingDeadlineSeconds: a missed time older than the deadline does not run', () => {
    assert.equal(cronStep(cron({ startingDeadlineSeconds: 60 }), state(), new Map(), new Set(), T0 + 17 * MIN).started, undefined);
    assert.ok(cronStep(cron({ startingDeadlineSeconds: 180 }), state(), new Map(), new Set(), T0 + 17 * MIN).started);
  });

  it('Forbid skips while a Job runs and keeps lastScheduleTime; Replace discards the active one', () => {
    const running = state({ lastScheduleTime: T0 + 5 * MIN, runs: [{ name: 'c-1', scheduledTime: T0 + 5 * MIN }] });
    const forbid = cronStep(cron({ concurrencyPolicy: 'Forbid' }), running, new Map(), new Set(['c-1']), T0 + 11 * MIN);
    assert.deepEqual([forbid.started, forbid.state.lastScheduleTime], [undefined, T0 + 5 * MIN]);
    assert.match(forbid.skipped ?? '', /Forbid/);
    const replace = cronStep(cron({ concurrencyPolicy: 'Replace' }), running, new Map(), new Set(['c-1']), T0 + 11 * MIN);
    assert.deepEqual(
      replace.state.runs.map((r) => [r.name, r.remove === true]),
      [
        ['c-1', true],
        [replace.started!.name, false],
      ],
    );
  });

  it('suspend starts nothing', () => {
    assert.equal(cronStep(cron({ suspend: true }), state(), new Map(), new Set(), T0 + 17 * MIN).started, undefined);
  });

  it('history limits discard the oldest finished Jobs, then forget them once their pods are gone', () => {
    const done = (n: string) => [`Job/default/${n}`, { phase: 'Complete' }] as const;
    const runs = ['c-1', 'c-2', 'c-3'].map((name, i) => ({ name, scheduledTime: T0 + i * MIN }));
    const statuses = new Map([done('c-1'), done('c-2'), done('c-3')]) as never;
    const d = cronStep(cron({ successfulJobsHistoryLimit: 1, schedule: '0 0 1 1 *' }), state({ runs }), statuses, new Set(['c-1', 'c-2', 'c-3']), T0 + 3 * MIN);
    assert.deepEqual(
      d.state.runs.map((r) => [r.name, r.remove === true]),
      [
        ['c-1', true],
        ['c-2', true],
        ['c-3', false],
      ],
    );
    const later = cronStep(cron({ successfulJobsHistoryLimit: 1, schedule: '0 0 1 1 *' }), d.state, statuses, new Set(['c-3']), T0 + 4 * MIN);
    assert.deepEqual(
      later.state.runs.map((r) => r.name),
      ['c-3'],
    );
  });
});
