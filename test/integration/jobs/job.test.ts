/**
 * Jobs on the real engine: pods run to completion under the Job's rules, counted from the
 * engine's container states; a failing Job stops at backoffLimit with the right number of
 * pods; finished pods stay for their logs; a commit with a failed Job fails.
 */
import { strict as assert } from 'node:assert';
import { observe } from '../../../src/observe';
import { exitCodeOf, jobStatuses } from '../../../src/jobs/status';
import { JobRecordStore } from '../../../src/jobs/records';
import { ManifestDir } from '../../helpers/manifests';
import { PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';
import { ApplyHarness, desiredOf, describeOutcome } from '../apply/harness';
import { EngineApplier } from '../../../src/rollout/applier';
import { pollUntil } from '../../../src/util/eventually';

function job(name: string, spec: string, command: string, restartPolicy = 'Never'): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
${spec}
  template:
    spec:
      restartPolicy: ${restartPolicy}
      terminationGracePeriodSeconds: 1
      containers:
        - name: work
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ["sh", "-c", ${JSON.stringify(command)}]
`;
}

describe('Job (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;

  beforeEach(async () => {
    h = await ApplyHarness.create('job');
  });
  afterEach(async () => h?.cleanup());

  it('runs 2 completions one pod at a time, then the commit succeeds; the pods stay with their logs', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('count', '  completions: 2\n  parallelism: 1', 'echo done-$HOSTNAME') });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged', describeOutcome(run.outcome));
    const pods = await h.podsOf('count');
    assert.equal(pods.length, 2, `pods: ${pods.map((p) => p.name).join(', ')}`);
    for (const p of pods) assert.deepEqual([p.kind, p.containers[0]!.state, exitCodeOf(p.containers[0]!.status)], ['Job', 'exited', 0]);
    // One at a time: the second pod was created after the first had exited.
    const created = run.actions.filter((a) => a.type === 'create-pod');
    assert.equal(created.length, 2);
    assert.equal((await h.runtime.logs(pods[0]!.containers[0]!.id, 5)).trim(), `done-${pods[0]!.name}`);
    // Applied again: a finished Job does not run again.
    const again = await h.apply(dir);
    assert.deepEqual(
      again.actions.filter((a) => a.type === 'create-pod'),
      [],
    );
    const table = await h.cli('get', ['jobs']);
    assert.match(table.stdout, /count\s+Complete\s+2\/2\s+\d+s\s+\d+s/, table.stdout + table.stderr);
    const status = jobStatuses(
      run.desired.jobs,
      (await observe(h.runtime, h.instance)).pods,
      await new JobRecordStore(h.stateDir, h.instance).load(),
      Date.now(),
    ).get('Job/default/count')!;
    assert.deepEqual([status.phase, status.succeeded, status.failed], ['Complete', 2, 0]);
  });

  it('a failing Job (exit 1) stops at backoffLimit 1 after 2 pods, marked BackoffLimitExceeded; the commit fails', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('fail', '  backoffLimit: 1', 'echo nope; exit 1') });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    assert.match(run.outcome.type === 'failed' ? run.outcome.reason : '', /Job default\/fail is degraded: BackoffLimitExceeded: 2 failed pod/);
    const pods = await h.podsOf('fail');
    assert.equal(pods.length, 2);
    for (const p of pods) assert.equal(exitCodeOf(p.containers[0]!.status), 1);
    const records = await new JobRecordStore(h.stateDir, h.instance).load();
    assert.deepEqual(
      [...records.values()].map((r) => [r.phase, r.reason, r.failed]),
      [['Failed', 'BackoffLimitExceeded', 2]],
    );
  });

  it('OnFailure: Docker restarts the container backoffLimit times, then the Job fails', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('retry', '  backoffLimit: 2', 'exit 3', 'OnFailure') });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    const pods = await h.podsOf('retry');
    assert.equal(pods.length, 1);
    const d = await h.runtime.inspectContainer(pods[0]!.containers[0]!.id);
    assert.deepEqual([d.state, d.exitCode, d.restartCount], ['exited', 3, 2]);
  });

  it('activeDeadlineSeconds: a Job running too long fails with DeadlineExceeded and its pod is removed', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('slow', '  activeDeadlineSeconds: 2', 'sleep 60') });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    assert.match(run.outcome.type === 'failed' ? run.outcome.reason : '', /DeadlineExceeded/);
    assert.deepEqual(await h.livePodsOf('slow'), []);
  });

  it('ttlSecondsAfterFinished: the finished pods stay, then go; the Job stays complete and does not run again', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('brief', '  ttlSecondsAfterFinished: 2', 'echo bye') });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged', describeOutcome(run.outcome));
    assert.equal((await h.podsOf('brief')).length, 1);
    const wakes: string[] = [];
    const a = new EngineApplier(h.runtime, {
      instance: h.instance,
      stateDir: h.stateDir,
      pauseImage: TEST_IMAGE,
      pauseCommand: PAUSE_COMMAND,
      prune: true,
      log: () => undefined,
      onWake: (r) => wakes.push(r),
    });
    await a.step(run.desired, 'r', 'self-heal');
    // The applier's timer wakes the loop at the TTL; the step then removes the pods.
    await pollUntil(async () => (wakes.includes('job') ? true : undefined), { timeoutMs: 10_000, intervalMs: 100, what: 'a wake-up at the TTL' });
    await a.step(run.desired, 'r', 'self-heal');
    await a.settled();
    await pollUntil(async () => ((await h.podsOf('brief')).length === 0 ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 200,
      what: 'the pods to be removed',
    });
    const diff = await h.cli('diff', [dir.path]);
    assert.deepEqual([diff.code, diff.stdout.trim()], [0, 'no changes'], diff.stderr);
    const again = await h.apply(dir);
    assert.deepEqual(
      again.actions.filter((x) => x.type === 'create-pod'),
      [],
    );
  });

  it('Indexed: one succeeded pod per index, each given JOB_COMPLETION_INDEX', async () => {
    const dir = await ManifestDir.create({
      'job.yaml': job('idx', '  completions: 3\n  parallelism: 2\n  completionMode: Indexed', 'echo index-$JOB_COMPLETION_INDEX'),
    });
    await h.converge(dir);
    const pods = await h.podsOf('idx');
    const seen = await Promise.all(pods.map(async (p) => [p.name.replace(/-[a-z0-9]{5}$/, ''), (await h.runtime.logs(p.containers[0]!.id, 5)).trim()]));
    assert.deepEqual(seen.sort(), [
      ['idx-0', 'index-0'],
      ['idx-1', 'index-1'],
      ['idx-2', 'index-2'],
    ]);
  });

  it('a changed spec is a new run: the old pods go, the new one runs', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': job('mig', '', 'echo v1') });
    await h.converge(dir);
    const before = (await h.podsOf('mig')).map((p) => p.name);
    await dir.edit('job.yaml', (t) => t.replace('echo v1', 'echo v2'));
    await h.converge(dir);
    const after = await h.livePodsOf('mig');
    assert.equal(after.length, 1);
    assert.ok(!before.includes(after[0]!.name));
    assert.equal((await h.runtime.logs(after[0]!.containers[0]!.id, 5)).trim(), 'v2');
    assert.equal((await desiredOf(dir)).jobs[0]!.templateHash, after[0]!.specHash);
  });
});
