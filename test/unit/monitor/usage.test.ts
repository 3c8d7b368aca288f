import { strict as assert } from 'node:assert';
import { FakeClock, FakeRuntime, FAKE_MEMORY_BYTES } from '../../helpers/fakeRuntime';
import { TEST_IMAGE } from '../../helpers/testImage';
import { busybox } from '../../helpers/containerSpec';
import { UsageSampler } from '../../../src/monitor/sampler';
import { byWorkload, ratePerSecond, type ContainerUsage } from '../../../src/monitor/usage';
import { podRows, workloadRows } from '../../../src/monitor/top';
import { OperatorMetrics } from '../../../src/operator/metrics';
import { LABEL } from '../../../src/runtime/types';
import type { ObservedPod } from '../../../src/observe/types';
import { container, deployment, desired, podSpec } from '../plan/fixtures';

function use(over: Partial<ContainerUsage>): ContainerUsage {
  return {
    namespace: 'default',
    pod: 'web-a',
    container: 'main',
    workload: 'Deployment/default/web',
    cpuCores: 0.1,
    cpuSeconds: 3,
    memoryBytes: 2 ** 20,
    rxBytesPerSecond: 0,
    txBytesPerSecond: 0,
    rxBytes: 10,
    txBytes: 20,
    restarts: 0,
    history: { cpu: [], memory: [] },
    ...over,
  };
}

describe("monitor: resource use from the engine's stats", () => {
  it('rates: per second between samples; none without an earlier sample or after a counter reset', () => {
    assert.deepEqual(
      [ratePerSecond(1, 3, 0, 2000), ratePerSecond(undefined, 3, undefined, 2000), ratePerSecond(5, 1, 0, 1000), ratePerSecond(1, 2, 1000, 1000)],
      [1, 0, 0, 0],
    );
  });

  it('per workload: sums, pods counted once, a limit only when every container has one', () => {
    const [w] = byWorkload([
      use({ pod: 'a', memoryLimitBytes: 100, restarts: 2 }),
      use({ pod: 'a', container: 'side', restarts: 2 }),
      use({ pod: 'b', memoryLimitBytes: 100, restarts: 1 }),
    ]);
    assert.deepEqual([w!.pods, w!.restarts, w!.memoryBytes, w!.memoryLimitBytes], [2, 3, 3 * 2 ** 20, undefined]);
  });

  it('samples running containers a few at a time: CPU in cores, working set, the limits of the manifest, a history', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: [TEST_IMAGE] });
    const spec = podSpec([container('main', TEST_IMAGE, { resources: { limits: { memoryBytes: 64 * 2 ** 20, nanoCpus: 5e8 }, requests: {} } })]);
    const d = desired({ deployments: [deployment('web', spec)] });
    const id = await rt.createContainer(busybox('mon', 'main', ['sleep', '1000'], { labels: { [LABEL.container]: 'main' } }));
    await rt.startContainer(id);
    const [summary] = await rt.listContainers({});
    const pod: ObservedPod = { namespace: 'default', name: 'web-x', kind: 'Deployment', owner: 'web', specHash: 'h', revision: 'r', containers: [summary!] };
    const look = { desired: d, observed: { networks: [], volumes: [], pods: [pod] }, views: [] };
    const sampler = new UsageSampler(rt, { historyLength: 2 });
    for (let i = 0; i < 3; i++) {
      await sampler.sample(look);
      await clock.advance(1000);
    }
    const [u] = sampler.usage();
    assert.deepEqual(
      [u!.pod, u!.container, u!.memoryBytes, u!.memoryLimitBytes, u!.cpuLimitCores, Math.round(u!.cpuCores * 1000), u!.history.cpu.length],
      ['web-x', 'main', FAKE_MEMORY_BYTES, 64 * 2 ** 20, 0.5, 10, 2],
    );
    await sampler.sample({ ...look, observed: { ...look.observed, pods: [] } });
    assert.deepEqual(sampler.usage(), [], 'a container gone is forgotten');
  });

  it('a sweep ends between calls once its signal is aborted (the operator stops without waiting out a minute of stats)', async () => {
    const clock = new FakeClock();
    const rt = new FakeRuntime({ clock, images: [TEST_IMAGE] });
    const pods: ObservedPod[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await rt.createContainer(busybox(`mon-${i}`, 'main', ['sleep', '1000'], { labels: { [LABEL.container]: 'main' } }));
      await rt.startContainer(id);
      const summary = (await rt.listContainers({})).find((c) => c.id === id)!;
      pods.push({ namespace: 'default', name: `web-${i}`, kind: 'Deployment', owner: 'web', specHash: 'h', revision: 'r', containers: [summary] });
    }
    const stop = new AbortController();
    let calls = 0;
    const stats = rt.stats.bind(rt);
    rt.stats = async (id) => {
      if (++calls === 3) stop.abort();
      return stats(id);
    };
    await new UsageSampler(rt, { concurrency: 2 }).sample({ desired: desired({}), observed: { networks: [], volumes: [], pods }, views: [] }, stop.signal);
    assert.ok(calls >= 3 && calls <= 4, `${calls} stats calls of 20: the two in flight finish, no new one starts`);
  });

  it('top rows as kubectl prints them, with the share of the limit', () => {
    const u = [use({ memoryLimitBytes: 4 * 2 ** 20, cpuLimitCores: 0.5 })];
    assert.deepEqual(podRows(u)[0], {
      namespace: 'default',
      name: 'web-a',
      cpu: '100m',
      cpuOfLimit: '20%',
      memory: '1Mi',
      memoryOfLimit: '25%',
      restarts: '0',
    });
    assert.equal(workloadRows(byWorkload(u))[0]!.name, 'deployment/web');
  });

  it('/metrics: Kubernetes names and labels, limits by resource', async () => {
    const m = await new OperatorMetrics().render({ instance: 'i', source: { repo: 'r', branch: 'b', path: '.' }, phase: 'idle', resources: [] }, [
      use({ memoryLimitBytes: 4 * 2 ** 20 }),
    ]);
    assert.match(m.body, /container_memory_working_set_bytes\{namespace="default",pod="web-a",container="main"\} 1048576/);
    assert.match(m.body, /container_cpu_usage_seconds_total\{namespace="default",pod="web-a",container="main"\} 3/);
    assert.match(m.body, /kube_pod_container_resource_limits\{namespace="default",pod="web-a",container="main",resource="memory",unit="byte"\} 4194304/);
  });
});
