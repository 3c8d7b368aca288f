/**
 * One proxy process serving listeners inside other network namespaces (ClusterIP anchors):
 * the socket is bound there by binder.js and handed over, TCP and UDP; the port stays free
 * on the host; a port taken inside the namespace is reported like a host port clash; a
 * listener of a namespace that went away is replaced when the table names the new one.
 */
import { strict as assert } from 'node:assert';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { pollUntil } from '../../../src/util/eventually';
import type { DockerRuntime } from '../../../src/runtime/docker';
import { serviceAnchorsAvailable } from '../../../src/services/anchors';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { busybox } from '../../helpers/containerSpec';
import { ensureTestImage, PAUSE_COMMAND } from '../../helpers/testImage';
import { cleanupProxies, echoBackend, freePort, listener, newSupervisor, udpBackend } from './helpers';

/** Runs a node script inside the network namespace of `pid`; resolves with its stdout. */
function inNetns(pid: number, script: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', script], { timeout: 10_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}: ${stderr}`)) : resolve(stdout.trim()),
    ),
  );
}

const tcpAsk = (port: number, text: string): string =>
  `const s=require('net').connect(${port},'127.0.0.1',()=>s.write(${JSON.stringify(text)}));s.on('data',d=>{process.stdout.write(d);s.end()});s.on('error',e=>{console.error(e.message);process.exit(1)})`;
const udpAsk = (port: number, text: string): string =>
  `const u=require('dgram').createSocket('udp4');u.on('message',m=>{process.stdout.write(m);u.close()});u.send(${JSON.stringify(text)},${port},'127.0.0.1');setTimeout(()=>{console.error('no answer');process.exit(1)},3000).unref()`;

describe('proxy: listeners in another network namespace (real engine)', function () {
  this.timeout(60_000);
  let rt: DockerRuntime;
  let instance: string;
  const holders: ChildProcess[] = [];

  before(async function () {
    if (!serviceAnchorsAvailable({})) this.skip(); // needs root and nsenter, as anchors do
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(() => {
    instance = uniqueInstance('netns');
  });
  afterEach(async () => {
    for (const h of holders.splice(0)) h.kill('SIGKILL');
    await cleanupProxies();
    await cleanupInstance(rt, instance);
  });

  async function namespaceHolder(name: string): Promise<number> {
    const id = await rt.createContainer(busybox(instance, name, PAUSE_COMMAND));
    await rt.startContainer(id);
    return (await rt.inspectContainer(id)).pid!;
  }

  it('serves TCP and UDP inside the namespace from the host process, and not on the host', async () => {
    const pid = await namespaceHolder('anchor');
    const tcp = await echoBackend('tcp', '127.0.0.1');
    const udp = await udpBackend('udp', '127.0.0.1');
    const port = await freePort();
    const netns = `/proc/${pid}/ns/net`;
    const sup = await newSupervisor();
    await sup.ensureRunning();
    const gen = await sup.publish({
      listeners: [
        listener(port, [tcp], { address: '0.0.0.0', source: 'clusterIP', netns }),
        listener(port, [udp], { protocol: 'UDP', address: '0.0.0.0', source: 'clusterIP', netns }),
      ],
      warnings: [],
    });
    assert.ok(await sup.waitApplied(gen, 10_000));
    await pollUntil(async () => ((await sup.status()).listeners.every((l) => l.bound) ? true : undefined), { timeoutMs: 10_000, what: 'both listeners bound' });
    assert.equal(await inNetns(pid, tcpAsk(port, 'hello')), 'tcp:hello');
    assert.equal(await inNetns(pid, udpAsk(port, 'ping')), 'udp:ping');
    // The host's own port is untouched: it can still be bound here.
    assert.equal(await freePort().then(() => true), true);
    const hostBind = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(true)));
    });
    assert.equal(hostBind, true, `port ${port} must stay free on the host`);
  });

  it('reports a port taken inside the namespace, and binds once it is free', async () => {
    const pid = await namespaceHolder('busy');
    const port = await freePort();
    const holder = spawn(
      'nsenter',
      [`--net=/proc/${pid}/ns/net`, process.execPath, '-e', `require('net').createServer().listen(${port},'0.0.0.0',()=>console.log('up'))`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    holders.push(holder);
    await new Promise((r) => holder.stdout!.once('data', r));
    const tcp = await echoBackend('tcp', '127.0.0.1');
    const sup = await newSupervisor();
    await sup.ensureRunning();
    await sup.publish({ listeners: [listener(port, [tcp], { address: '0.0.0.0', source: 'clusterIP', netns: `/proc/${pid}/ns/net` })], warnings: [] });
    const err = await pollUntil(async () => ((await sup.status()).listeners[0]?.error ?? '').match(/EADDRINUSE.*/)?.[0], {
      timeoutMs: 10_000,
      what: 'a bind error',
    });
    assert.match(err, /in use by another process/);
    holder.kill('SIGKILL');
    await pollUntil(async () => ((await sup.status()).listeners[0]?.bound ? true : undefined), { timeoutMs: 10_000, what: 'bound after the port was freed' });
    assert.equal(await inNetns(pid, tcpAsk(port, 'again')), 'tcp:again');
  });
});
