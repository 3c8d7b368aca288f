/**
 * What a failed or killed run leaves on the engine must not break the next one: objects of
 * an old test instance (a crashed earlier test run), and, in the same instance, the debris
 * of an apply interrupted half-way.
 */
import { strict as assert } from 'node:assert';
import { LABEL } from '../../../src/runtime/types';
import { cleanupStaleTestInstances, STALE_AFTER_MS, uniqueInstance } from '../../helpers/docker';
import { ManifestDir } from '../../helpers/manifests';
import { actionSummary, ApplyHarness, desiredOf, ids } from './harness';

const SOLO_AND_DUO = ['pod-single-container', 'pod-two-containers-sharing-network-and-volume'];

describe('apply (real engine): leftovers of failed runs', function () {
  let h: ApplyHarness;

  beforeEach(async () => (h = await ApplyHarness.create('apply-leftover')));
  afterEach(async () => h?.cleanup());

  it('objects of an old crashed test instance: this run converges beside them, the stale sweep removes only them', async () => {
    const oldInstance = uniqueInstance('apply-leftover', Date.now() - STALE_AFTER_MS - 60_000);
    const old = await ApplyHarness.create('apply-leftover', oldInstance);
    try {
      // What a run killed after its first apply leaves: the same pods, network and volumes.
      const dir = await ManifestDir.fromFixtures(SOLO_AND_DUO);
      await old.converge(dir);
      const oldIds = ids(await old.pods());
      assert.equal(oldIds.length, 4);

      await h.converge(dir);
      assert.deepEqual(ids(await old.pods()), oldIds, 'the new instance touched the old one');
      assert.equal((await h.pods()).length, 2);

      const swept = await cleanupStaleTestInstances(h.runtime);
      assert.ok(swept.includes(oldInstance), `not swept: ${swept.join(', ')}`);
      assert.ok(!swept.includes(h.instance));
      assert.deepEqual(await old.pods(), []);
      assert.deepEqual(await old.runtime.listVolumes({ [LABEL.instance]: oldInstance }), []);
      assert.deepEqual(actionSummary(await h.converge(dir)), [], 'our instance lost something in the sweep');
    } finally {
      await old.cleanup({ manifests: false });
    }
  });

  it('an apply interrupted half-way in the same instance: the next one finishes the job', async () => {
    const dir = await ManifestDir.fromFixtures([...SOLO_AND_DUO, 'claim-mounted-by-pod']);
    // Debris, as if the process had been killed between engine calls:
    // - duo's infra container and emptyDir exist, its app containers were never created;
    const duoSpec = (await desiredOf(dir)).pods.find((p) => p.meta.name === 'duo')!.specHash;
    await h.runtime.createNetwork(h.network('default'), {
      [LABEL.managed]: 'true',
      [LABEL.instance]: h.instance,
      [LABEL.namespace]: 'default',
      [LABEL.kind]: 'Namespace',
      [LABEL.owner]: 'default',
    });
    await h.createStray({ pod: 'duo', container: 'POD', owner: 'duo', specHash: duoSpec });
    await h.runtime.createVolume(`berth_${h.instance}_default_duo_shared`, {
      [LABEL.managed]: 'true',
      [LABEL.instance]: h.instance,
      [LABEL.namespace]: 'default',
      [LABEL.kind]: 'emptyDir',
      [LABEL.owner]: 'duo',
      [LABEL.pod]: 'duo',
    });
    // - a stopped container holds solo's container name, but observe does not see it as a
    //   pod (no pod/namespace labels, as an older berth or a person may leave): creating
    //   solo must replace it, not fail on the name;
    await h.createStray({ pod: 'solo', container: 'app', owner: 'solo', start: false, labels: { [LABEL.pod]: '', [LABEL.namespace]: '' } });
    // - the claim volume exists already (created before the kill).
    await h.runtime.createVolume(h.claimVolume('cache'), {
      [LABEL.managed]: 'true',
      [LABEL.instance]: h.instance,
      [LABEL.namespace]: 'default',
      [LABEL.kind]: 'PersistentVolumeClaim',
      [LABEL.owner]: 'cache',
    });

    const actions = actionSummary(await h.converge(dir));
    assert.deepEqual(
      actions.filter((a) => /network|volume/.test(a)),
      [],
      `recreated what existed: ${actions.join('; ')}`,
    );
    assert.ok(actions.includes('remove-pod duo') && actions.includes('create-pod duo'), actions.join('; '));
    assert.equal((await h.execUntilOk('duo', 'writer', ['wget', '-qO-', 'http://localhost:8080/'])).trim(), 'served-by-server');
    assert.equal((await h.exec('solo', 'app', ['sh', '-c', 'echo $GREETING'])).output.trim(), 'hello-from-solo');
    assert.equal((await h.pod('user')).containers[0].state, 'running');
    assert.deepEqual(actionSummary(await h.converge(dir)), []);
  });
});
