/**
 * Liveness on a real engine: berth's probe loop restarts a container whose liveness probe
 * fails (the same container, its filesystem kept) and counts the restarts, so a container
 * that keeps failing shows as crash-looping (Degraded) with the reason.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineApplier } from '../../../src/rollout/applier';
import { validateDirectory } from '../../../src/validate';
import { observe } from '../../../src/observe';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { ensureTestImage, PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';

const pod = `
apiVersion: v1
kind: Pod
metadata: { name: flaky }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "date >> /tmp/starts; touch /tmp/alive; (sleep 2; rm /tmp/alive) & trap 'exit 0' TERM; sleep 100000 & wait"]
      livenessProbe: { exec: { command: [test, -f, /tmp/alive] }, periodSeconds: 1, failureThreshold: 1 }
`;

describe('liveness on a real engine', function () {
  this.timeout(60_000);
  const runtime = testRuntime();
  const instance = uniqueInstance('liveness');
  let stateDir: string;

  before(async () => {
    await ensureTestImage({ runtime });
    stateDir = await mkdtemp(path.join(tmpdir(), 'berth-liveness-'));
  });
  after(async () => {
    await cleanupInstance(runtime, instance);
    await disposeManifestDirs();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('restarts the container when the probe fails, and reports it crash-looping after 3 restarts', async () => {
    const dir = await ManifestDir.create({ 'pod.yaml': pod });
    const v = await validateDirectory(dir.path, { allowHostPath: [], allowPrivileged: false });
    assert.ok(v.ok);
    const applier = new EngineApplier(runtime, {
      instance,
      stateDir,
      pauseImage: TEST_IMAGE,
      pauseCommand: PAUSE_COMMAND,
      prune: true,
      pollMs: 200,
      log: () => undefined,
    });
    const outcome = await applier.apply(v.desired, 'rev-1', 'rollout');
    assert.equal(outcome.type, 'converged');
    const id = (await observe(runtime, instance)).pods[0].containers[0].id;
    const starts = async () => (await runtime.exec(id, ['cat', '/tmp/starts'], 5000)).output.trim().split('\n').length;
    assert.equal(await starts(), 1);
    const degraded = await pollUntil(
      async () => {
        await applier.probe();
        const h = applier.resources().find((r) => r.name === 'flaky');
        return h?.health === 'Degraded' ? h : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 300, what: 'the pod to be reported crash-looping' },
    );
    assert.match(degraded.message, /restarted [3-9] times/);
    // The same container was restarted (its file kept), not replaced.
    assert.equal((await observe(runtime, instance)).pods[0].containers[0].id, id);
    assert.ok((await starts()) >= 3, 'the container did not restart');
  });
});
