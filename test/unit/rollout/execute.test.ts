import { strict as assert } from 'node:assert';
import type { RemovePodAction } from '../../../src/plan';
import type { ImageEnsurer } from '../../../src/rollout/images';
import { executeAction } from '../../../src/rollout/execute';
import { busybox } from '../../helpers/containerSpec';
import { FakeClock, FakeRuntime } from '../../helpers/fakeRuntime';
import { TEST_IMAGE } from '../../helpers/testImage';

describe('rollout/executeAction: remove-pod', () => {
  const instance = 't-execute';

  it('a container already gone counts as stopped: the rest of the pod is removed, no error', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: [TEST_IMAGE] });
    const app = await rt.createContainer(busybox(instance, 'web-app', ['app']));
    const infra = await rt.createContainer(busybox(instance, 'web-infra', ['pause']));
    await rt.startContainer(app);
    await rt.startContainer(infra);
    // dockerd sometimes lists a container it no longer knows; here it is simply gone already.
    await rt.removeContainer(app);
    const action: RemovePodAction = {
      type: 'remove-pod',
      key: 'Deployment/default/web',
      namespace: 'default',
      pod: 'web-1',
      containerIds: [app, infra],
      graceSeconds: 1,
      reason: 'superseded',
      specHash: 'h1',
      images: {},
      volumes: [],
    };
    await clock.advanceUntil(executeAction({ runtime: rt, images: {} as ImageEnsurer }, action));
    assert.deepEqual(
      (await rt.listContainers({ 'io.berth.instance': instance })).map((c) => c.id),
      [],
      'the infra container is removed too',
    );
  });

  it('any other failure to stop still fails the action, naming the pod', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: [TEST_IMAGE] });
    const app = await rt.createContainer(busybox(instance, 'db-app', ['app']));
    rt.failNext('stopContainer', new Error('engine is down'));
    const action: RemovePodAction = {
      type: 'remove-pod',
      key: 'Deployment/default/db',
      namespace: 'default',
      pod: 'db-1',
      containerIds: [app],
      graceSeconds: 1,
      reason: 'superseded',
      specHash: 'h1',
      images: {},
      volumes: [],
    };
    await assert.rejects(clock.advanceUntil(executeAction({ runtime: rt, images: {} as ImageEnsurer }, action)), /db-1.*engine is down|engine is down/);
  });
});
