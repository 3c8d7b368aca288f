/**
 * Real sockets for the proxy's integration tests: HTTP, TCP echo and UDP echo servers on
 * 127.0.0.x at random high ports, clients that open a fresh connection per request, and a
 * supervisor per test on its own state directory and instance, stopped afterwards.
 */
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxySupervisor, type ListenerSpec, type Protocol } from '../../../src/services/proxy';

/** Test ports: above Kubernetes' nodePort range, so berth's own listeners never collide. */
export function randomPort(): number {
  return 33000 + Math.floor(Math.random() * 7000);
}

/** Runs `listen(port)` on random ports until one is free. */
export async function onFreePort<T>(listen: (port: number) => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await listen(randomPort());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i >= 20) throw err;
    }
  }
}

/** A port on `address` nobody listens on right now (TCP and UDP). */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return onFreePort(async (port) => {
    const s = await listenTcp(net.createServer(), address, port);
    await new Promise((r) => s.close(r));
    const u = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      u.once('error', reject);
      u.bind(port, address, () => resolve());
    });
    u.close();
    return port;
  });
}

function listenTcp<S extends net.Server>(server: S, address: string, port: number): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export interface Backend {
  name: string;
  ip: string;
  port: number;
  /** Requests (HTTP) or connections (echo) served. */
  hits: number;
  close(): Promise<void>;
}

const open: Backend[] = [];

function track(server: net.Server | dgram.Socket, name: string, ip: string, port: number, counter: { hits: number }): Backend {
  const sockets = new Set<net.Socket>();
  if (server instanceof net.Server) server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  const b: Backend = {
    name,
    ip,
    port,
    get hits() {
      return counter.hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const i = open.indexOf(b);
        if (i >= 0) open.splice(i, 1);
        for (const s of sockets) s.destroy();
        if (server instanceof net.Server) server.close(() => resolve());
        else server.close(() => resolve());
      }),
  };
  open.push(b);
  return b;
}

/** An HTTP server answering its name, after `delayMs` (requests stay in flight that long). */
export async function httpBackend(name: string, ip: string, delayMs = 0): Promise<Backend> {
  const counter = { hits: 0 };
  const server = http.createServer((_req, res) => {
    counter.hits++;
    res.setHeader('connection', 'close');
    if (delayMs) setTimeout(() => res.end(name), delayMs);
    else res.end(name);
  });
  const port = await onFreePort((p) => listenTcp(server, ip, p).then(() => p));
  return track(server, name, ip, port, counter);
}

/** A TCP server that answers every chunk with `<name>:<chunk>`. */
export async function echoBackend(name: string, ip: string): Promise<Backend> {
  const counter = { hits: 0 };
  const server = net.createServer((s) => {
    counter.hits++;
    s.on('data', (d) => s.write(`${name}:${d.toString()}`));
    s.on('error', () => undefined);
  });
  const port = await onFreePort((p) => listenTcp(server, ip, p).then(() => p));
  return track(server, name, ip, port, counter);
}

/** A UDP server that answers every datagram with `<name>:<datagram>`. */
export async function udpBackend(name: string, ip: string): Promise<Backend> {
  const counter = { hits: 0 };
  const socket = await onFreePort(
    (p) =>
      new Promise<dgram.Socket>((resolve, reject) => {
        const s = dgram.createSocket('udp4');
        s.once('error', reject);
        s.bind(p, ip, () => resolve(s));
      }),
  );
  socket.on('message', (m, r) => {
    counter.hits++;
    socket.send(`${name}:${m.toString()}`, r.port, r.address);
  });
  return track(socket, name, ip, socket.address().port, counter);
}

export async function closeBackends(): Promise<void> {
  await Promise.all([...open].map((b) => b.close()));
}

/** One GET on a fresh connection; resolves with the body. */
export function get(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port} timed out`)));
    req.on('error', reject);
  });
}

/** A TCP client that sends a line and reads the answer, on one long-lived connection. */
export class EchoClient {
  private constructor(private readonly socket: net.Socket) {}

  static connect(port: number, host = '127.0.0.1'): Promise<EchoClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => resolve(new EchoClient(s)));
      s.once('error', reject);
    });
  }

  ask(text: string, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no echo for ${text}`)), timeoutMs);
      this.socket.once('data', (d) => {
        clearTimeout(t);
        resolve(d.toString());
      });
      this.socket.once('close', () => reject(new Error('connection closed')));
      this.socket.write(text);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

/** Sends `text` (from `socket`, or a fresh one) to `address:port`, resolves with the first answer. */
export function udpAsk(port: number, text: string, socket?: dgram.Socket, timeoutMs = 3000, address = '127.0.0.1'): Promise<string> {
  const s = socket ?? dgram.createSocket('udp4');
  return new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no UDP answer to ${text}`)), timeoutMs);
    s.once('message', (m) => {
      clearTimeout(t);
      resolve(m.toString());
    });
    s.send(text, port, address);
  }).finally(() => {
    if (!socket) s.close();
  });
}

export function listener(port: number, endpoints: Backend[], over: Partial<ListenerSpec> = {}): ListenerSpec {
  return {
    protocol: 'TCP' as Protocol,
    address: '127.0.0.1',
    port,
    service: 'default/web',
    servicePort: 80,
    source: 'nodePort',
    endpoints: endpoints.map((b) => ({ ip: b.ip, port: b.port, pod: `default/${b.name}` })),
    ...over,
  };
}

/** Fast timings for tests: bind retries and connect timeouts short, polling brisk. */
export const TEST_PROXY_ARGS = ['--bind-retry-ms', '200', '--connect-timeout-ms', '500', '--poll-ms', '200', '--owner-check-ms', '300'];

const dirs: string[] = [];
const supervisors: ProxySupervisor[] = [];

export async function newStateDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'berth-proxy-'));
  dirs.push(d);
  return d;
}

export function uniqueProxyInstance(): string {
  return `t-proxy-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** A supervisor on a fresh state directory; stopped (with its proxy) by cleanupProxies(). */
export async function newSupervisor(stateDir?: string, instance?: string): Promise<ProxySupervisor> {
  const s = new ProxySupervisor({ stateDir: stateDir ?? (await newStateDir()), instance: instance ?? uniqueProxyInstance(), args: TEST_PROXY_ARGS });
  supervisors.push(s);
  return s;
}

export async function cleanupProxies(): Promise<void> {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
  await closeBackends();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Pids of processes whose command line carries `word` (a proxy's instance name). */
export async function processesWith(word: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (cmd.split('\0').includes(word) && !/\) Z /.test(state)) pids.push(Number(entry));
  }
  return pids;
}
