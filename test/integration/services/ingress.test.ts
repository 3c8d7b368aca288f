/**
 * The proxy's Ingress listener with real sockets (no engine): host routing, X-Forwarded-*
 * headers, 404 and 503, a removed endpoint that gets no new request while its in-flight one
 * finishes, HTTPS with a certificate per host by SNI. Listener ports come from berth's test
 * range for Ingress (31300-31399); backends listen on ports the OS picks.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../../src/util/eventually';
import type { ListenerSpec } from '../../../src/services/proxy';
import type { BackendSpec, HttpRoutes, RouteSpec } from '../../../src/services/proxy/httpTypes';
import { selfSignedCert } from '../../helpers/tlsCert';
import { cleanupProxies, newStateDir, newSupervisor } from './helpers';

interface Site {
  name: string;
  ip: string;
  port: number;
  /** Headers of the last request served. */
  last?: http.IncomingHttpHeaders;
  close(): Promise<void>;
}

const sites: Site[] = [];

/** An HTTP server answering its name (after `delayMs`), on a port the OS picks. */
async function site(name: string, ip: string, delayMs = 0): Promise<Site> {
  const s: Site = { name, ip, port: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    s.last = req.headers;
    setTimeout(() => res.end(name), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  s.port = (server.address() as AddressInfo).port;
  s.close = () => new Promise((resolve) => server.close(() => resolve()));
  sites.push(s);
  return s;
}

function backend(service: string, ...endpoints: Site[]): BackendSpec {
  return {
    ingress: 'default/web',
    service: `default/${service}`,
    servicePort: 80,
    endpoints: endpoints.map((e) => ({ ip: e.ip, port: e.port, pod: `default/${e.name}` })),
  };
}

function route(host: string, path: string, b: BackendSpec): RouteSpec {
  return { host, path, pathType: 'Prefix', ...b };
}

function ingressListener(port: number, http: HttpRoutes): ListenerSpec {
  const endpoints = [...http.routes, ...(http.defaultBackend ? [http.defaultBackend] : [])].flatMap((r) => r.endpoints);
  return { protocol: 'TCP', address: '127.0.0.1', port, service: 'ingress', servicePort: port, source: 'ingress', endpoints, http };
}

/** A port of the Ingress test range nobody listens on. */
async function ingressPort(): Promise<number> {
  for (let p = 31300 + Math.floor(Math.random() * 50); p < 31400; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = http.createServer().once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  throw new Error('no free port in 31300-31399');
}

function request(port: number, host: string, path = '/', tls?: { ca: string }): Promise<{ status: number; body: string; peer?: string }> {
  const mod = tls ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get({ host: '127.0.0.1', port, path, agent: false, headers: { host }, ...(tls ? { ca: tls.ca, servername: host } : {}) }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        const peer = tls ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN : undefined;
        resolve({ status: res.statusCode ?? 0, body: body.trim(), ...(peer ? { peer: String(peer) } : {}) });
      });
    });
    req.on('error', reject);
  });
}

describe('proxy: Ingress listener (real sockets)', function () {
  this.timeout(30_000);
  afterEach(async () => {
    await cleanupProxies();
    await Promise.all(sites.splice(0).map((s) => s.close()));
  });

  async function serve(listeners: ListenerSpec[], stateDir?: string) {
    const sup = await newSupervisor(stateDir);
    await sup.ensureRunning();
    const gen = await sup.publish(listeners);
    assert.equal(await sup.waitApplied(gen, 5000), true, 'table applied');
    return sup;
  }

  it('routes by host, sets X-Forwarded-*, answers 404 without a rule and 503 without a ready endpoint', async () => {
    const [a, b] = [await site('site-a', '127.0.0.2'), await site('site-b', '127.0.0.3')];
    const port = await ingressPort();
    await serve([
      ingressListener(port, {
        routes: [route('a.test', '/', backend('a', a)), route('b.test', '/', backend('b', b)), route('empty.test', '/', backend('empty'))],
      }),
    ]);
    assert.deepEqual(await request(port, 'a.test'), { status: 200, body: 'site-a' });
    assert.deepEqual(await request(port, 'B.test:80', '/x?y=1'), { status: 200, body: 'site-b' });
    assert.deepEqual(
      [b.last?.['x-forwarded-for'], b.last?.['x-forwarded-proto'], b.last?.['x-forwarded-host'], b.last?.host],
      ['127.0.0.1', 'http', 'B.test:80', 'B.test:80'],
    );
    assert.equal((await request(port, 'c.test')).status, 404);
    const none = await request(port, 'empty.test');
    assert.deepEqual([none.status, /default\/empty has no ready endpoint/.test(none.body)], [503, true]);
  });

  it('an endpoint leaving the table gets no new request; its in-flight request finishes', async () => {
    const slow = await site('old', '127.0.0.2', 1500);
    const next = await site('new', '127.0.0.3');
    const port = await ingressPort();
    const sup = await serve([ingressListener(port, { routes: [route('', '/', backend('web', slow))] })]);
    const inFlight = request(port, 'web.test');
    await pollUntil(async () => ((await sup.status()).listeners[0].endpoints[0]?.connections === 1 ? true : undefined), {
      timeoutMs: 3000,
      what: 'one request in flight',
    });
    const gen = await sup.publish([ingressListener(port, { routes: [route('', '/', backend('web', next))] })]);
    assert.equal(await sup.waitApplied(gen, 5000), true);
    assert.deepEqual((await sup.status()).draining, [{ endpoint: `127.0.0.2:${slow.port}`, connections: 1 }]);
    assert.deepEqual(await request(port, 'web.test'), { status: 200, body: 'new' });
    assert.deepEqual(await inFlight, { status: 200, body: 'old' });
    await pollUntil(async () => ((await sup.status()).draining.length === 0 ? true : undefined), { timeoutMs: 3000, what: 'drained' });
  });

  it('HTTPS: the certificate of the requested host by SNI (a client that trusts only the other certificate is refused)', async () => {
    const [a, b] = [await site('site-a', '127.0.0.2'), await site('site-b', '127.0.0.3')];
    const [certA, certB] = [await selfSignedCert('a.test'), await selfSignedCert('b.test')];
    const stateDir = await newStateDir();
    const dir = join(stateDir, 'certs');
    await mkdir(dir, { recursive: true });
    const files = async (n: string, c: { cert: string; key: string }) => {
      await writeFile(join(dir, `${n}.crt`), c.cert);
      await writeFile(join(dir, `${n}.key`), c.key, { mode: 0o600 });
      return { certFile: join(dir, `${n}.crt`), keyFile: join(dir, `${n}.key`) };
    };
    const tls = [
      { hosts: ['a.test'], ...(await files('a', certA)) },
      { hosts: ['b.test'], ...(await files('b', certB)) },
    ];
    const port = await ingressPort();
    await serve([ingressListener(port, { routes: [route('a.test', '/', backend('a', a)), route('b.test', '/', backend('b', b))], tls })], stateDir);
    assert.deepEqual(await request(port, 'b.test', '/', { ca: certB.cert }), { status: 200, body: 'site-b', peer: 'b.test' });
    assert.deepEqual(await request(port, 'a.test', '/', { ca: certA.cert }), { status: 200, body: 'site-a', peer: 'a.test' });
    assert.equal(b.last?.['x-forwarded-proto'], 'https');
    await assert.rejects(request(port, 'b.test', '/', { ca: certA.cert }), /self.signed|unable to verify|certificate/i);
  });
});
