import * as assert from 'assert';
import { isBerthError } from '../../../src/util/errors';
import { pollUntil } from '../../../src/util/eventually';
import { DockerRuntime } from '../../../src/runtime/docker';
import { LABEL } from '../../../src/runtime/types';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage } from '../../helpers/testImage';
import { busybox, IDLE } from './fixtures';

describe('runtime/docker: networks and volumes (real engine)', () => {
  let rt: DockerRuntime;
  let instance: string;
  let labels: Record<string, string>;

  before(async () => {
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(() => {
    instance = uniqueInstance('runtime');
    labels = { [LABEL.managed]: 'true', [LABEL.instance]: instance };
  });
  afterEach(async () => {
    await cleanupInstance(rt, instance);
  });

  /** Runs `cmd` in `id` until it succeeds, returning its output. */
  const until = (id: string, cmd: string[], what: string) =>
    pollUntil(
      async () => {
        const r = await rt.exec(id, cmd, 5000);
        return r.exitCode === 0 ? r.output : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what },
    );

  it('creates, lists by label and removes networks (idempotently)', async () => {
    const name = `${instance}-net`;
    await rt.createNetwork(name, { ...labels, [LABEL.namespace]: 'default' });
    const listed = await rt.listNetworks({ [LABEL.instance]: instance });
    assert.deepStrictEqual(
      listed.map((n) => [n.name, n.labels[LABEL.namespace]]),
      [[name, 'default']],
    );
    await assert.rejects(rt.createNetwork(name, labels), (e: unknown) => isBerthError(e, 'E_CONFLICT') && e.message.includes(`"${name}"`));
    await rt.removeNetwork(name);
    await rt.removeNetwork(name);
    assert.deepStrictEqual(await rt.listNetworks({ [LABEL.instance]: instance }), []);
  });

  it('reaches a container by its network alias from another container', async () => {
    const net = `${instance}-net`;
    await rt.createNetwork(net, labels);
    const server = await rt.createContainer(
      busybox(instance, 'server', ['sh', '-c', 'mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www'], {
        network: { type: 'network', network: net, aliases: ['web', 'web.default.svc.cluster.local'] },
      }),
    );
    const client = await rt.createContainer(busybox(instance, 'client', IDLE, { network: { type: 'network', network: net, aliases: [] } }));
    await rt.startContainer(server);
    await rt.startContainer(client);
    const body = await until(client, ['wget', '-q', '-O', '-', 'http://web.default.svc.cluster.local:8080/'], 'alias answers');
    assert.strictEqual(body, 'hello-from-server\n');

    const [summary] = await rt.listContainers({ [LABEL.instance]: instance, [LABEL.container]: 'server' });
    assert.match(summary.networks[net], /^\d+\.\d+\.\d+\.\d+$/);
    const details = await rt.inspectContainer(server);
    assert.deepStrictEqual(details.aliases?.[net]?.slice().sort(), ['web', 'web.default.svc.cluster.local']);
  });

  it('connects with aliases and disconnects', async () => {
    const net = `${instance}-net`;
    await rt.createNetwork(net, labels);
    const server = await rt.createContainer(busybox(instance, 'server', ['sh', '-c', 'while true; do echo pong | nc -l -p 7000; done']));
    const client = await rt.createContainer(busybox(instance, 'client', IDLE, { network: { type: 'network', network: net, aliases: [] } }));
    await rt.startContainer(server);
    await rt.startContainer(client);
    await rt.connectNetwork(net, server, ['late-alias']);
    assert.strictEqual(await until(client, ['nc', 'late-alias', '7000'], 'late alias answers'), 'pong\n');
    assert.deepStrictEqual((await rt.inspectContainer(server)).aliases?.[net], ['late-alias']);

    await rt.disconnectNetwork(net, server);
    const after = await rt.inspectContainer(server);
    assert.strictEqual(after.networks[net], undefined);
    const lookup = await rt.exec(client, ['nslookup', 'late-alias'], 5000);
    assert.notStrictEqual(lookup.exitCode, 0, lookup.output);
    await assert.rejects(rt.connectNetwork(`${instance}-nonet`, server, []), (e: unknown) => isBerthError(e, 'E_NOT_FOUND'));
  });

  it('container: network mode shares the network namespace', async () => {
    const net = `${instance}-net`;
    await rt.createNetwork(net, labels);
    const infra = await rt.createContainer(busybox(instance, 'infra', IDLE, { network: { type: 'network', network: net, aliases: [] } }));
    await rt.startContainer(infra);
    const listener = await rt.createContainer(
      busybox(instance, 'listener', ['sh', '-c', 'while true; do echo same-netns | nc -l -p 9000; done'], {
        network: { type: 'container', container: infra },
      }),
    );
    const peer = await rt.createContainer(busybox(instance, 'peer', IDLE, { network: { type: 'container', container: infra } }));
    const outsider = await rt.createContainer(busybox(instance, 'outsider', IDLE, { network: { type: 'network', network: net, aliases: [] } }));
    for (const id of [listener, peer, outsider]) await rt.startContainer(id);

    assert.strictEqual(await until(peer, ['nc', '127.0.0.1', '9000'], 'localhost:9000 from the peer'), 'same-netns\n');
    const fromOutside = await rt.exec(outsider, ['nc', '127.0.0.1', '9000'], 5000);
    // A container with its own namespace must not see the listener on its localhost.
    assert.notStrictEqual(fromOutside.exitCode, 0);
    assert.match(fromOutside.output, /Connection refused/);
  });

  it('creates, lists and removes volumes; a volume is shared between containers, read-only where asked', async () => {
    const vol = `${instance}-data`;
    await rt.createVolume(vol, { ...labels, [LABEL.owner]: 'db' });
    const listed = await rt.listVolumes({ [LABEL.instance]: instance });
    assert.deepStrictEqual(
      listed.map((v) => [v.name, v.labels[LABEL.owner]]),
      [[vol, 'db']],
    );
    assert.ok(listed[0].mountpoint.length > 0);

    const writer = await rt.createContainer(busybox(instance, 'writer', IDLE, { mounts: [{ type: 'volume', source: vol, target: '/data', readOnly: false }] }));
    const reader = await rt.createContainer(
      busybox(instance, 'reader', IDLE, {
        mounts: [
          { type: 'volume', source: vol, target: '/data', readOnly: true },
          { type: 'tmpfs', source: '', target: '/scratch', readOnly: false },
        ],
      }),
    );
    await rt.startContainer(writer);
    await rt.startContainer(reader);
    assert.strictEqual((await rt.exec(writer, ['sh', '-c', 'echo shared > /data/f'], 5000)).exitCode, 0);
    assert.deepStrictEqual(await rt.exec(reader, ['cat', '/data/f'], 5000), { exitCode: 0, output: 'shared\n' });
    assert.notStrictEqual((await rt.exec(reader, ['touch', '/data/g'], 5000)).exitCode, 0);
    assert.strictEqual((await rt.exec(reader, ['touch', '/scratch/g'], 5000)).exitCode, 0);

    await assert.rejects(rt.removeVolume(vol), (e: unknown) => isBerthError(e, 'E_CONFLICT') && e.message.includes(`"${vol}"`));
    await rt.removeContainer(writer);
    await rt.removeContainer(reader);
    await rt.removeVolume(vol);
    await rt.removeVolume(vol);
    assert.deepStrictEqual(await rt.listVolumes({ [LABEL.instance]: instance }), []);
  });
});
