/**
 * A Job's podFailurePolicy on the real engine: the exit code Docker reports decides. A pod
 * exiting 42 under a FailJob rule fails the Job at once, although backoffLimit would allow
 * six more pods; a commit with that Job fails with the reason.
 */
import { strict as assert } from 'node:assert';
import { exitCodeOf } from '../../../src/jobs/status';
import { ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';
import { ApplyHarness, describeOutcome } from '../apply/harness';

const JOB = `apiVersion: batch/v1
kind: Job
metadata:
  name: pfp
spec:
  completions: 3
  backoffLimit: 6
  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes: {containerName: work, operator: In, values: [42]}
    - action: Ignore
      onPodConditions: [{type: DisruptionTarget}]
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
        - name: work
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ["sh", "-c", "echo bug; exit 42"]
`;

describe('Job podFailurePolicy (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;

  beforeEach(async () => {
    h = await ApplyHarness.create('jobpfp');
  });
  afterEach(async () => h?.cleanup());

  it('exit 42 under a FailJob rule fails the Job after one pod (not at backoffLimit 6), reason PodFailurePolicy', async () => {
    const dir = await ManifestDir.create({ 'job.yaml': JOB });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    assert.match(run.outcome.type === 'failed' ? run.outcome.reason : '', /Job default\/pfp is degraded: PodFailurePolicy/);
    const pods = await h.podsOf('pfp');
    assert.deepEqual(
      pods.map((p) => exitCodeOf(p.containers[0]!.status)),
      [42],
    );
  });
});
