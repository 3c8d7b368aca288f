/**
 * Kernel forwarding (nftables) in front of real containers: a host port DNAT'd to pod IPs on
 * a bridge network, reached at the host's address and at 127.0.0.1, TCP and UDP; a host
 * port another process holds; established connections that outlive their endpoint's removal
 * and the drain that waits for them; and no rule left behind.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { pollUntil } from '../../../src/util/eventually';
import { LABEL } from '../../../src/runtime/types';
import type { DockerRuntime } from '../../../src/runtime/docker';
import type { ListenerSpec } from '../../../src/services/proxy';
import { KernelForwarder } from '../../../src/services/kernel/forwarder';
import { kernelSupport } from '../../../src/services/kernel/mode';
import { HOST, ipTables } from '../../../src/services/kernel/nft';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { busybox } from '../../helpers/containerSpec';
import { ensureTestImage } from '../../helpers/testImage';
import { cleanupProxies, EchoClient, get, newStateDir, udpAsk } from './helpers';

interface Pod {
  name: string;
  ip: string;
  pid: number;
}

/** A host port of this helper's range (31700-31799) that nothing holds. */
async function freeHostPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 31750 + Math.floor(Math.random() * 50);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 31750-31799');
}

function hostAddress(): string {
  const a = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal && !i.address.startsWith('172.'));
  return a?.address ?? '127.0.0.1';
}

/** A UDP server answering `<name>:<datagram>`, run by the host's node inside the pod's network namespace. */
function udpEcho(pod: Pod): ChildProcess {
  const script = `require('dgram').createSocket('udp4').on('message', function (m, r) { this.send('${pod.name}:' + m, r.port, r.address); }).bind(5353)`;
  return spawn('nsenter', [`--net=/proc/${pod.pid}/ns/net`, process.execPath, '-e', script], { stdio: 'ignore' });
}

const tcpListener = (port: number, pods: Pod[], over: Partial<ListenerSpec> = {}): ListenerSpec => ({
  protocol: 'TCP',
  address: '0.0.0.0',
  port,
  service: 'default/web',
  servicePort: 80,
  source: 'nodePort',
  endpoints: pods.map((p) => ({ ip: p.ip, port: 8080, pod: `default/${p.name}` })),
  ...over,
});

describe('proxy: kernel forwarding in front of containers (real engine)', function () {
  this.timeout(90_000);
  let rt: DockerRuntime;
  let instance: string;
  let pods: Pod[];
  let fwd: KernelForwarder;
  const children: ChildProcess[] = [];

  before(async function () {
    if (!(await kernelSupport()).ok) this.skip();
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(async () => {
    instance = uniqueInstance('kernel');
    const network = `${instance}-net`;
    await rt.createNetwork(network, { [LABEL.managed]: 'true', [LABEL.instance]: instance });
    pods = [];
    for (const name of ['one', 'two']) {
      // httpd on 8080 (it backgrounds itself), a TCP echo server on 7000.
      const cmd = ['sh', '-c', `mkdir -p /www && echo ${name} > /www/index.html && httpd -p 8080 -h /www && exec nc -ll -p 7000 -e cat`];
      const id = await rt.createContainer(busybox(instance, name, cmd, { network: { type: 'network', network, aliases: [] }, stopTimeout: 1 }));
      await rt.startContainer(id);
      const info = await rt.inspectContainer(id);
      pods.push({ name, ip: info.networks[network]!, pid: info.pid! });
    }
    fwd = new KernelForwarder({ stateDir: await newStateDir(), instance, where: 'host' });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    await fwd?.remove().catch(() => undefined);
    await cleanupProxies();
    await cleanupInstance(rt, instance);
  });

  it('a host port reaches both pods round robin, at the host address and at 127.0.0.1; remove leaves no table', async () => {
    const port = await freeHostPort();
    await fwd.publish([tcpListener(port, pods)]);
    assert.ok((await ipTables(HOST))?.includes(fwd.table));
    for (const host of ['127.0.0.1', hostAddress()]) {
      // httpd may need a moment to listen.
      await pollUntil(
        () =>
          get(port, host).then(
            (b) => b.trim() === 'one' || undefined,
            () => undefined,
          ),
        { timeoutMs: 10_000, what: `pod one through ${host}:${port}` },
      );
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await get(port, host)).trim());
      assert.deepEqual([...new Set(answers)].sort(), ['one', 'two'], `${host}: ${answers.join(',')}`);
    }
    const status = await fwd.status();
    assert.equal(status.running, true);
    assert.ok(status.listeners[0].forwarded >= 8, JSON.stringify(status.listeners[0]));
    await fwd.remove();
    assert.equal((await ipTables(HOST))?.includes(fwd.table), false);
    assert.equal((await fwd.status()).running, false);
  });

  it('UDP: each client stays with its endpoint; a removed endpoint gets no more datagrams', async () => {
    for (const p of pods) children.push(udpEcho(p));
    // Each echo answers on its own before any datagram goes through the rules: one not yet
    // bound would drop the only datagram a client sends it.
    for (const p of pods)
      await pollUntil(() => udpAsk(5353, 'ping', undefined, 500, p.ip).catch(() => undefined), { timeoutMs: 10_000, what: `the UDP echo in ${p.name}` });
    const port = await freeHostPort();
    await fwd.publish([{ ...tcpListener(port, pods), protocol: 'UDP', endpoints: pods.map((p) => ({ ip: p.ip, port: 5353, pod: `default/${p.name}` })) }]);
    const c1 = dgram.createSocket('udp4');
    const c2 = dgram.createSocket('udp4');
    try {
      const first = await pollUntil(() => udpAsk(port, 'x', c1, 500).catch(() => undefined), { timeoutMs: 10_000, what: 'a UDP answer' });
      const second = await udpAsk(port, 'y', c2);
      assert.deepEqual([first.split(':')[0], second.split(':')[0]].sort(), ['one', 'two']);
      assert.equal(await udpAsk(port, 'z', c1), `${first.split(':')[0]}:z`, 'a client stays with its endpoint');
      // The endpoint c1 used leaves: its binding is forgotten and c1's next datagram goes to the other.
      const stay = pods.find((p) => !first.startsWith(`${p.name}:`))!;
      await fwd.publish([{ ...tcpListener(port, [stay]), protocol: 'UDP', endpoints: [{ ip: stay.ip, port: 5353, pod: `default/${stay.name}` }] }]);
      assert.equal(await udpAsk(port, 'w', c1), `${stay.name}:w`);
    } finally {
      c1.close();
      c2.close();
    }
  });

  it('a host port another process holds: left out and reported; that process keeps its traffic', async () => {
    const holder = net.createServer((s) => s.end('holder\n'));
    const port = await freeHostPort();
    await new Promise<void>((r) => holder.listen(port, '0.0.0.0', () => r()));
    try {
      await fwd.publish([tcpListener(port, pods)]);
      const l = (await fwd.status()).listeners[0];
      assert.deepEqual([l.bound, l.error], [false, `host port tcp/0.0.0.0:${port} is in use by another process`]);
      const answer = await new Promise<string>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        let data = '';
        s.on('data', (c) => (data += c.toString()))
          .on('end', () => resolve(data.trim()))
          .on('error', reject);
      });
      assert.equal(answer, 'holder');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('an open connection outlives its endpoint leaving the rules; drain returns once it closes', async () => {
    const port = await freeHostPort();
    const echo = (ps: Pod[]) => ps.map((p) => ({ ip: p.ip, port: 7000, pod: `default/${p.name}` }));
    await fwd.publish([{ ...tcpListener(port, [pods[0]]), endpoints: echo([pods[0]]) }]);
    const client = await pollUntil(
      async () => {
        const c = await EchoClient.connect(port).catch(() => undefined);
        if (c && (await c.ask('ping').catch(() => undefined)) === 'ping') return c;
        await c?.close();
        return undefined;
      },
      { timeoutMs: 10_000, what: 'the echo server through the rules' },
    );
    await fwd.publish([{ ...tcpListener(port, [pods[1]]), endpoints: echo([pods[1]]) }]);
    assert.equal(await client.ask('still here'), 'still here', 'the established connection keeps its NAT binding');
    const gone = `${pods[0].ip}:7000`;
    assert.deepEqual((await fwd.status()).draining, [{ endpoint: gone, connections: 1 }]);
    let drained = false;
    const drain = fwd.drain([gone], 30_000).then(() => (drained = true));
    assert.equal(await client.ask('during the drain'), 'during the drain');
    assert.equal(drained, false, 'drain waits while the connection is open');
    await client.close();
    await drain;
    assert.deepEqual((await fwd.status()).draining, []);
  });
});
