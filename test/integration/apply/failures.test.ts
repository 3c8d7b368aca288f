/**
 * `berth apply` on manifests that validate but do not come up: it must stop (exit 1) and say
 * which workload, and why, with the evidence a person needs (probe error, exit code,
 * restarts, last log lines, the image), never a Secret value. Then the next apply of good
 * manifests must not trip over what the failed one left.
 */
import { strict as assert } from 'node:assert';
import { describeRun, type CliResult } from '../../helpers/cli';
import { ManifestDir } from '../../helpers/manifests';
import { ApplyHarness, names } from './harness';

describe('berth apply (real engine): workloads that do not become ready', function () {
  let h: ApplyHarness;

  beforeEach(async () => (h = await ApplyHarness.create('apply-fail')));
  afterEach(async () => h?.cleanup());

  async function applyExpectingFailure(dir: ManifestDir): Promise<CliResult> {
    const r = await h.cli('apply', [dir.path]);
    assert.equal(r.code, 1, describeRun(r));
    return r;
  }

  it('a readiness probe that never passes: exit 1 after progressDeadlineSeconds, naming the Deployment and the probe error', async () => {
    const dir = await ManifestDir.fromFixture('deployment-never-ready');
    const started = Date.now();
    const r = await applyExpectingFailure(dir);
    const took = Date.now() - started;
    // A lower bound only (the deadline was honoured): a slow machine can never fail it.
    assert.ok(took >= 4000, `gave up after ${took} ms, before the 4 s deadline`);
    const verdict = r.stdout.split('\n').find((l) => l.startsWith('not ready: '));
    assert.ok(verdict, describeRun(r));
    assert.match(verdict, /Deployment default\/never-ready .*progress deadline/);
    assert.match(verdict, /tcp [\d.]+:8080: connect ECONNREFUSED/);
    // The pod is left as it is (rolling back is the operator's job), still running.
    const pods = await h.podsOf('never-ready');
    assert.equal(pods.length, 1);
    assert.equal(pods[0].containers[0].state, 'running');

    // The fix applies cleanly over what the failed run left: the pod is replaced and ready.
    await dir.edit('web.yaml', (t) => t.replace(/ {8}readinessProbe:\n(?: {10}.*\n)+/, ''));
    const fixed = await h.cli('apply', [dir.path]);
    assert.equal(fixed.code, 0, describeRun(fixed));
    // The old pod may still be stopping (berth apply leaves that to the engine): it is not live.
    const after = await h.livePodsOf('never-ready');
    assert.equal(after.length, 1);
    assert.notEqual(after[0].name, pods[0].name);
  });

  it('a crash-looping container: exit 1 with its exit code, restarts and last log lines, the Secret blanked', async () => {
    const dir = await ManifestDir.fromFixture('deployment-crashlooping');
    const r = await applyExpectingFailure(dir);
    assert.match(r.stdout, /^not ready: Deployment default\/crasher is degraded: pod crasher-\S+ restarted \d+ times/m);
    assert.match(r.stdout, /^ {2}pod default\/crasher-\S+ container app: \w+, exit code 3, \d+ restart\(s\)$/m);
    assert.match(r.stdout, /^ {4}\| fatal: config file \/etc\/app\.conf missing$/m);
    assert.match(r.stdout, /^ {4}\| starting with token \(secret\)$/m);
    for (const s of ['tok-Wombat-7781-Qe', Buffer.from('tok-Wombat-7781-Qe').toString('base64')]) {
      assert.ok(!(r.stdout + r.stderr).includes(s), `the Secret value ${s} was printed:\n${describeRun(r)}`);
    }
  });

  // Without a readiness probe a container is ready only once it has stayed up a moment
  // (prober.MIN_UP_MS): one that exits at start never looks ready between restarts.
  it('a crash-looping container without readiness probe: exit 1 as well', async () => {
    const dir = await ManifestDir.fromFixture('deployment-crashlooping');
    await dir.edit('web.yaml', (t) => t.replace(/ {8}readinessProbe:\n(?: {10}.*\n)+/, ''));
    const r = await applyExpectingFailure(dir);
    assert.match(r.stdout, /exit code 3/);
  });

  it('an image that is not present, imagePullPolicy Never: exit 1 naming the image, no pull attempted', async () => {
    const dir = await ManifestDir.fromFixture('deployment-image-missing');
    const r = await applyExpectingFailure(dir);
    assert.match(r.stdout, /^not ready: .*image "berth-test\/not-here:never" is not present and imagePullPolicy is Never$/m);
    assert.doesNotMatch(r.stdout, /cannot pull|registry/);
    assert.deepEqual(names(await h.podsOf('not-here')), [], 'a pod was created without its image');
  });

  it('an image that is not present, imagePullPolicy IfNotPresent, no registry: exit 1 naming the image and a hint', async () => {
    const dir = await ManifestDir.fromFixture('deployment-image-missing');
    await dir.edit('web.yaml', (t) => t.replace('imagePullPolicy: Never', 'imagePullPolicy: IfNotPresent'));
    const r = await applyExpectingFailure(dir);
    assert.match(r.stdout, /^not ready: .*cannot pull image "berth-test\/not-here:never": /m);
    assert.match(r.stdout, /preload the image/);
    assert.deepEqual(names(await h.podsOf('not-here')), []);
  });

  it("a network of berth's name that berth did not make: exit 1 saying so, not a loop", async () => {
    await h.runtime.createNetwork(h.network('default'), {});
    try {
      const r = await applyExpectingFailure(await ManifestDir.fromFixture('pod-single-container'));
      assert.match(r.stdout, new RegExp(`a network named ${h.network('default')} exists and was not made by this berth instance`));
      assert.match(r.stdout, /docker network rm/);
    } finally {
      await h.runtime.removeNetwork(h.network('default'));
    }
  });
});
