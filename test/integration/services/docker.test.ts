/** The proxy in front of real containers: pod IPs on a bridge network, reached on a host port. */
import { strict as assert } from 'node:assert';
import { pollUntil } from '../../../src/util/eventually';
import { LABEL, type ContainerCreateSpec } from '../../../src/runtime/types';
import type { DockerRuntime } from '../../../src/runtime/docker';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { busybox } from '../../helpers/containerSpec';
import { ensureTestImage } from '../../helpers/testImage';
import { cleanupProxies, freePort, get, newSupervisor } from './helpers';

function httpd(instance: string, network: string, name: string): ContainerCreateSpec {
  const cmd = ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 8080 -h /www`];
  return busybox(instance, name, cmd, { network: { type: 'network', network, aliases: [] }, stopTimeout: 1 });
}

describe('proxy: in front of containers (real engine)', function () {
  this.timeout(60_000);
  let rt: DockerRuntime;
  let instance: string;

  before(async () => {
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(() => {
    instance = uniqueInstance('proxy');
  });
  afterEach(async () => {
    await cleanupProxies();
    await cleanupInstance(rt, instance);
  });

  it('balances a host port over two busybox httpd containers and follows their removal', async () => {
    const network = `${instance}-net`;
    await rt.createNetwork(network, { [LABEL.managed]: 'true', [LABEL.instance]: instance });
    const pods: { name: string; id: string; ip: string }[] = [];
    for (const name of ['one', 'two']) {
      const id = await rt.createContainer(httpd(instance, network, name));
      await rt.startContainer(id);
      const ip = (await rt.inspectContainer(id)).networks[network];
      assert.ok(ip, `container ${name} has an IP on ${network}`);
      pods.push({ name, id, ip });
    }
    const port = await freePort();
    const sup = await newSupervisor();
    await sup.ensureRunning();
    const listener = {
      protocol: 'TCP' as const,
      address: '127.0.0.1',
      port,
      service: 'default/web',
      servicePort: 80,
      source: 'nodePort' as const,
      endpoints: pods.map((p) => ({ ip: p.ip, port: 8080, pod: `default/${p.name}` })),
    };
    assert.equal(await sup.waitApplied(await sup.publish([listener]), 5000), true);

    // httpd may need a moment; refused connections are skipped, so wait until both answer.
    const seen = new Set<string>();
    await pollUntil(
      async () => {
        seen.add((await get(port)).trim());
        return seen.size === 2 ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'both containers answering through the proxy' },
    );
    const bodies = await Promise.all(Array.from({ length: 10 }, () => get(port)));
    assert.deepEqual(new Set(bodies.map((b) => b.trim())), new Set(['one', 'two']));

    // Endpoint one leaves the table: all traffic goes to two, none fails, even once one is gone.
    const gen = await sup.publish([{ ...listener, endpoints: listener.endpoints.slice(1) }]);
    assert.equal(await sup.waitApplied(gen, 5000), true);
    await sup.drain([`${pods[0].ip}:8080`], 5000);
    await rt.removeContainer(pods[0].id);
    const after = await Promise.all(Array.from({ length: 10 }, () => get(port)));
    assert.deepEqual(
      after.map((b) => b.trim()),
      Array(10).fill('two'),
    );
  });
});
