import * as assert from 'assert';
import { DockerRuntime } from '../../../src/runtime/docker';
import { LABEL } from '../../../src/runtime/types';
import { cleanupInstance, cleanupStaleTestInstances, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage } from '../../helpers/testImage';
import { busybox, IDLE } from './fixtures';

describe('test helpers: instance cleanup (real engine)', () => {
  let rt: DockerRuntime;
  const HOUR = 60 * 60 * 1000;
  const stale = uniqueInstance('runtime-stale', Date.now() - 2 * HOUR);
  const fresh = uniqueInstance('runtime-fresh');
  const foreign = `t-runtime-foreign-${process.pid}`; // no time in the name: judged by container age

  before(async () => {
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  after(async () => {
    for (const i of [stale, fresh, foreign]) await cleanupInstance(rt, i);
  });

  async function populate(instance: string): Promise<void> {
    const labels = { [LABEL.instance]: instance };
    await rt.createNetwork(`${instance}-net`, labels);
    await rt.createVolume(`${instance}-vol`, labels);
    const id = await rt.createContainer(
      busybox(instance, 'c', IDLE, {
        network: { type: 'network', network: `${instance}-net`, aliases: [] },
        mounts: [{ type: 'volume', source: `${instance}-vol`, target: '/v', readOnly: false }],
      }),
    );
    await rt.startContainer(id);
  }

  async function count(instance: string): Promise<number[]> {
    const sel = { [LABEL.instance]: instance };
    return [(await rt.listContainers(sel)).length, (await rt.listNetworks(sel)).length, (await rt.listVolumes(sel)).length];
  }

  it('removes old test instances and leaves young ones alone', async () => {
    for (const i of [stale, fresh, foreign]) await populate(i);
    const cleaned = await cleanupStaleTestInstances(rt);
    assert.ok(cleaned.includes(stale), `cleaned ${cleaned.join(', ')}`);
    assert.ok(!cleaned.includes(fresh) && !cleaned.includes(foreign));
    assert.deepStrictEqual(await count(stale), [0, 0, 0]);
    assert.deepStrictEqual(await count(fresh), [1, 1, 1]);
    assert.deepStrictEqual(await count(foreign), [1, 1, 1]);
  });

  it('cleanupInstance removes a running container with its network and volume', async () => {
    const inst = uniqueInstance('runtime');
    await populate(inst);
    assert.deepStrictEqual(await cleanupInstance(rt, inst), { containers: 1, networks: 1, volumes: 1 });
    assert.deepStrictEqual(await count(inst), [0, 0, 0]);
  });
});
