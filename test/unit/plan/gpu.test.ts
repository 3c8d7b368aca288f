/**
 * From the manifest to the engine's create body, with no engine: `nvidia.com/gpu` limits
 * become a GPU DeviceRequest (what `docker run --gpus N` sends; the test engine has no GPU,
 * so this is checked on the body only), an SCTP port is exposed and published as `/sctp`.
 */
import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { CreatePodAction } from '../../../src/plan/types';
import { toCreateBody } from '../../../src/runtime/createBody';
import { validateText } from '../validate/helpers';
import { ctx } from './fixtures';

async function bodyOf(container: string) {
  const { outcome, lines } = await validateText(
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox:1.37\n${container}`,
  );
  assert.ok(outcome.ok, lines.join('\n'));
  const create = plan(outcome.desired, { networks: [], volumes: [], pods: [] }, ctx()).actions.find((a): a is CreatePodAction => a.type === 'create-pod')!;
  return toCreateBody(create.containers[0]);
}

describe('plan: GPUs and SCTP down to the create body', () => {
  it('nvidia.com/gpu: 2 -> one DeviceRequest for 2 devices with the gpu capability', async () => {
    const body = await bodyOf('    resources:\n      limits:\n        nvidia.com/gpu: 2\n');
    assert.deepEqual(body.HostConfig.DeviceRequests, [{ Driver: '', Count: 2, DeviceIDs: [], Capabilities: [['gpu']], Options: {} }]);
  });

  it('requests alone count too (Kubernetes defaults limits from them)', async () => {
    const body = await bodyOf('    resources:\n      requests:\n        nvidia.com/gpu: "1"\n');
    assert.equal(body.HostConfig.DeviceRequests?.[0].Count, 1);
  });

  it('no GPU, no DeviceRequests; another extended resource asks nothing of the engine', async () => {
    assert.equal((await bodyOf('')).HostConfig.DeviceRequests, undefined);
    assert.equal((await bodyOf('    resources:\n      limits:\n        example.com/foo: 1\n')).HostConfig.DeviceRequests, undefined);
  });

  it('an SCTP hostPort is published as 9999/sctp', async () => {
    const body = await bodyOf('    ports:\n    - containerPort: 9999\n      hostPort: 39999\n      protocol: SCTP\n');
    assert.deepEqual(Object.keys(body.ExposedPorts ?? {}), ['9999/sctp']);
    assert.deepEqual(Object.keys(body.HostConfig.PortBindings ?? {}), ['9999/sctp']);
  });
});
