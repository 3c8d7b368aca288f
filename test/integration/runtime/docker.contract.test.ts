/**
 * The Runtime contract on DockerRuntime against the real engine. Every test gets its own
 * instance label (`t-contract-...`) and a fresh adapter (its alias cache included);
 * cleanup removes everything labelled with the instance, then the unlabelled volumes and
 * networks named after it (a mounted volume that did not exist is created without labels).
 */
import { runtimeContract } from '../../contract/runtime.contract';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage, TEST_IMAGE } from '../../helpers/testImage';
import { sleep } from '../../../src/util/eventually';
import type { Runtime } from '../../../src/runtime/types';

async function cleanupAll(rt: Runtime, instance: string): Promise<void> {
  await cleanupInstance(rt, instance);
  const ours = (name: string): boolean => name.startsWith(`${instance}-`);
  const [networks, volumes] = await Promise.all([rt.listNetworks({}), rt.listVolumes({})]);
  for (const n of networks.filter((x) => ours(x.name))) await rt.removeNetwork(n.id);
  for (const v of volumes.filter((x) => ours(x.name))) await rt.removeVolume(v.name);
}

describe('runtime/docker: contract (real engine)', () => {
  before(async function () {
    this.timeout(120_000);
    await ensureTestImage();
  });

  runtimeContract('DockerRuntime', async () => {
    const runtime = testRuntime();
    const instance = uniqueInstance('contract');
    return { runtime, instance, image: TEST_IMAGE, advance: sleep, cleanup: () => cleanupAll(runtime, instance) };
  });
});
