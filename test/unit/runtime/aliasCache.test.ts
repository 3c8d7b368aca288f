/**
 * listContainers fills network aliases by inspecting each running container once per process
 * (Engine 20.10 lists `Aliases: null`). Containers with nothing to learn must not be inspected
 * on every pass: before, every container joined to a pod's infra container (`container:`
 * mode, no endpoint of its own) and every host-network container was inspected again on each
 * list, so a no-op pass over multi-container pods was O(containers) inspects.
 */
import * as assert from 'assert';
import { createDockerRuntime } from '../../../src/runtime/docker';

type Networks = Record<string, { IPAddress: string; Aliases: string[] | null }>;

/** A runtime whose engine lists `items` (ids -> networks as inspect reports them) and counts inspects. */
function engineWith(items: Record<string, { list: Networks; inspect: Networks }>) {
  const rt = createDockerRuntime({ socketPath: '/nonexistent/docker.sock' });
  const inspected: string[] = [];
  const docker = (rt as unknown as { docker: Record<string, unknown> }).docker;
  docker.listContainers = async () =>
    Object.entries(items).map(([id, v]) => ({
      Id: id,
      Names: [`/${id}`],
      Image: 'img',
      Labels: {},
      State: 'running',
      Status: 'Up',
      Created: 0,
      NetworkSettings: { Networks: v.list },
    }));
  docker.getContainer = (id: string) => ({
    inspect: async () => {
      inspected.push(id);
      return {
        Id: id,
        Name: `/${id}`,
        Created: '2026-01-01T00:00:00Z',
        RestartCount: 0,
        Config: { Image: 'img', Labels: {} },
        State: { Status: 'running', ExitCode: 0, OOMKilled: false, Error: '', StartedAt: '', FinishedAt: '', Pid: 1 },
        NetworkSettings: { Networks: items[id].inspect },
      };
    },
  });
  return { rt, inspected };
}

const onNet = (aliases: string[] | null): Networks => ({ berth_i_default: { IPAddress: '10.0.0.2', Aliases: aliases } });

describe('runtime/docker: alias cache of listContainers', () => {
  it('inspects a container with an endpoint once, then answers from the cache', async () => {
    const { rt, inspected } = engineWith({ 'web-id': { list: onNet(null), inspect: onNet(['web', 'svc']) } });
    for (let i = 0; i < 3; i++) {
      const [c] = await rt.listContainers({});
      assert.deepStrictEqual(c.aliases, { berth_i_default: ['web', 'svc'] });
    }
    assert.deepStrictEqual(inspected, ['web-id']);
  });

  it('never inspects a container joined to another one (no network of its own)', async () => {
    const { rt, inspected } = engineWith({ 'app-id': { list: {}, inspect: {} } });
    for (let i = 0; i < 3; i++) assert.strictEqual((await rt.listContainers({}))[0].aliases, undefined);
    assert.deepStrictEqual(inspected, []);
  });

  it('inspects a container whose endpoint has no aliases (host network) once, and reports none', async () => {
    const host: Networks = { host: { IPAddress: '', Aliases: null } };
    const { rt, inspected } = engineWith({ 'host-id': { list: host, inspect: host } });
    for (let i = 0; i < 3; i++) assert.strictEqual((await rt.listContainers({}))[0].aliases, undefined);
    assert.deepStrictEqual(inspected, ['host-id']);
  });
});
