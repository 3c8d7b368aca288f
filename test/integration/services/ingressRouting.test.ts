/**
 * Ingress on the real engine, as a person runs it: `berth apply` of two Deployments of
 * busybox httpd serving different content behind two Services, and an Ingress routing two
 * hosts to them over HTTP and one over HTTPS (a certificate made by openssl in the test, in
 * a kubernetes.io/tls Secret). An unknown host answers 404, a Service without a ready pod
 * 503. Then a rolling update behind the Ingress under a steady stream of requests: not one
 * fails. Ingress ports come from the test range 18000-18099.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../../src/util/eventually';
import { proxyPaths } from '../../../src/services/proxy';
import { describeRun } from '../../helpers/cli';
import { ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';
import { selfSignedCert } from '../../helpers/tlsCert';
import { ApplyHarness } from '../apply/harness';
import { Load } from './load';

function site(name: string, replicas = 1): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "mkdir -p /www; echo ${name}-content > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1 }
`;
}

function service(name: string, port: number, portName: string): string {
  return `
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  selector: { app: ${name} }
  ports: [{ name: ${portName}, port: ${port}, targetPort: http }]
`;
}

const INGRESS = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: sites }
spec:
  ingressClassName: berth
  tls: [{ hosts: [b.test], secretName: b-tls }]
  rules:
    - host: a.test
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: alpha, port: { number: 80 } } } }] }
    - host: b.test
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: beta, port: { name: web } } } }] }
    - host: idle.test
      http: { paths: [{ path: /, pathType: Exact, backend: { service: { name: idle, port: { number: 80 } } } }] }
`;

function tlsSecret(cert: string, key: string): string {
  const indent = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');
  return `apiVersion: v1
kind: Secret
metadata: { name: b-tls }
type: kubernetes.io/tls
stringData:
  tls.crt: |
${indent(cert)}
  tls.key: |
${indent(key)}
`;
}

/** Two free ports of 18000-18099. */
async function ports(): Promise<[number, number]> {
  const found: number[] = [];
  for (let p = 18000 + Math.floor(Math.random() * 40); p < 18100 && found.length < 2; p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = http.createServer().once('error', () => resolve(false));
      s.listen(p, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) found.push(p);
  }
  assert.equal(found.length, 2, 'two free ports in 18000-18099');
  return [found[0], found[1]];
}

type Answer = { status: number; body: string; peer?: string };

function ask(port: number, host: string, ca?: string): Promise<Answer> {
  const mod = ca ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(
      { host: '127.0.0.1', port, path: '/', agent: false, headers: { host }, timeout: 5000, ...(ca ? { ca, servername: host } : {}) },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: body.trim(),
            ...(ca ? { peer: String((res.socket as TLSSocket).getPeerCertificate().subject?.CN) } : {}),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** Polls until the answer is `want` (the proxy binds and the table applies asynchronously). */
async function eventually(port: number, host: string, want: Answer, ca?: string): Promise<void> {
  let last: unknown;
  await pollUntil(
    async () => {
      last = await ask(port, host, ca).catch((e: Error) => e.message);
      return JSON.stringify(last) === JSON.stringify(want) ? true : undefined;
    },
    { timeoutMs: 20_000, what: `${host} answering ${JSON.stringify(want)}` },
  ).catch((err: Error) => assert.fail(`${err.message}; last answer ${JSON.stringify(last)}`));
}

describe('Ingress (real engine): berth apply, two hosts over HTTP, one over HTTPS', function () {
  this.timeout(120_000);
  let h: ApplyHarness;

  before(async () => (h = await ApplyHarness.create('ingress')));
  after(async () => h?.cleanup());

  it('routes each host to its Service, serves b.test with its certificate, 404 and 503 otherwise', async () => {
    const { cert, key } = await selfSignedCert('b.test');
    const dir = await ManifestDir.create({
      'alpha.yaml': site('alpha') + '---' + service('alpha', 80, 'http'),
      'beta.yaml': site('beta') + '---' + service('beta', 8080, 'web'),
      'idle.yaml': site('idle', 0) + '---' + service('idle', 80, 'http'),
      'tls.yaml': tlsSecret(cert, key),
      'ingress.yaml': INGRESS,
    });
    const [httpPort, httpsPort] = await ports();
    const r = await h.cli('apply', [dir.path, '--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort)]);
    assert.equal(r.code, 0, describeRun(r));
    assert.ok(!(r.stdout + r.stderr).includes(key.split('\n')[1]), 'the key appears in the output');

    await eventually(httpPort, 'a.test', { status: 200, body: 'alpha-content' });
    await eventually(httpPort, 'b.test', { status: 200, body: 'beta-content' });
    await eventually(httpsPort, 'b.test', { status: 200, body: 'beta-content', peer: 'b.test' }, cert);
    const unknown = await ask(httpPort, 'nobody.test');
    assert.equal(unknown.status, 404);
    const idle = await ask(httpPort, 'idle.test');
    assert.deepEqual([idle.status, idle.body], [503, '503 Service default/idle has no ready endpoint']);

    const tlsDir = join(proxyPaths(h.stateDir, h.instance).dir, 'tls');
    const keys = (await readdir(tlsDir)).filter((f) => f.endsWith('.key'));
    assert.equal(keys.length, 1);
    assert.equal((await stat(join(tlsDir, keys[0]))).mode & 0o777, 0o600);

    const get = await h.cli('get', ['endpoints']);
    assert.match(get.stdout, new RegExp(`ingress:${httpPort}\\s+TCP 0\\.0\\.0\\.0:${httpPort}\\s+ok`), describeRun(get));
  });

  it('a rolling update behind the Ingress: not one request of a steady stream fails', async () => {
    // Each answer takes 200 ms (a CGI script), so requests are in flight whenever a pod stops.
    const web = (version: string) => {
      const cgi = ['#!/bin/sh', 'sleep 0.2', 'printf "Content-Type: text/plain\\r\\n\\r\\n"', `echo ${version}`].map((l) => `'${l}'`).join(' ');
      const setup = `mkdir -p /www/cgi-bin; printf '%s\\n' ${cgi} > /www/cgi-bin/v; chmod +x /www/cgi-bin/v; echo ${version} > /www/index.html`;
      return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ${JSON.stringify(['sh', '-c', `${setup}; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait`])}
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, failureThreshold: 1 }
---
${service('web', 80, 'http')}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web }
spec:
  rules: [{ http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }] } }]
`;
    };
    const dir = await ManifestDir.create({ 'web.yaml': web('v1') });
    const [httpPort, httpsPort] = await ports();
    const flags = ['--ingress-http-port', String(httpPort), '--ingress-https-port', String(httpsPort)];
    const first = await h.cli('apply', [dir.path, ...flags]);
    assert.equal(first.code, 0, describeRun(first));
    await eventually(httpPort, 'any.test', { status: 200, body: 'v1' });

    const load = new Load(`http://127.0.0.1:${httpPort}/cgi-bin/v`).start();
    await pollUntil(async () => (load.sent > 20 ? true : undefined), { timeoutMs: 10_000, what: 'requests flowing' });
    await dir.write('web.yaml', web('v2'));
    const second = await h.cli('apply', [dir.path, ...flags]);
    assert.equal(second.code, 0, describeRun(second));
    await pollUntil(async () => ((load.bodies.get('v2') ?? 0) > 10 ? true : undefined), { timeoutMs: 20_000, what: 'v2 serving' });
    await load.stop();
    assert.deepEqual({ failed: load.failed, errors: load.errors }, { failed: 0, errors: [] }, `of ${load.sent} requests`);
    assert.ok((load.bodies.get('v1') ?? 0) > 0);
  });
});
