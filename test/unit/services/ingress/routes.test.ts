/** The Ingress listeners of the host proxy (src/ingress/routes.ts), pure: routes, endpoints, TLS files, classes. */
import * as assert from 'node:assert/strict';
import type { IngressResource } from '../../../../src/model/types';
import { ingressListeners } from '../../../../src/services/ingress';
import type { PodEndpointInput } from '../../../../src/services/proxy';
import { desired, meta, secret, service } from '../../plan/fixtures';

function ingress(name: string, over: Partial<IngressResource> = {}): IngressResource {
  return { kind: 'Ingress', meta: meta(name), rules: [], tls: [], ...over };
}

const pod = (name: string, app: string, ip: string, ready = true): PodEndpointInput => ({
  namespace: 'default',
  name,
  labels: { app },
  ip,
  ready,
  terminating: false,
  ports: [{ name: 'web', containerPort: 8080, protocol: 'TCP' }],
});
const opts = { httpPort: 18080, httpsPort: 18443, tlsDir: '/state/tls' };
const svc = (name: string) => service(name, { app: name }, { ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'web' }] });

describe('ingress: listeners of the host proxy', () => {
  const two = ingress('sites', {
    rules: [
      { host: 'a.test', paths: [{ path: '/', pathType: 'Prefix', backend: { service: 'a', port: 80 } }] },
      { host: 'b.test', paths: [{ path: '/', pathType: 'ImplementationSpecific', backend: { service: 'b', port: 'http' } }] },
    ],
  });

  it("one HTTP listener whose routes carry each Service port's ready endpoints (named targetPort resolved per pod)", () => {
    const t = ingressListeners(
      desired({ services: [svc('a'), svc('b')], ingresses: [two] }),
      [pod('a-1', 'a', '10.0.0.1'), pod('b-1', 'b', '10.0.0.2'), pod('b-2', 'b', '10.0.0.3', false)],
      opts,
    );
    assert.deepEqual(
      t.listeners.map((l) => [l.port, l.source, l.http?.tls === undefined]),
      [[18080, 'ingress', true]],
    );
    const routes = t.listeners[0].http!.routes.map((r) => [r.host, r.pathType, r.service, r.endpoints.map((e) => `${e.ip}:${e.port}`)]);
    assert.deepEqual(routes, [
      ['a.test', 'Prefix', 'default/a', ['10.0.0.1:8080']],
      ['b.test', 'Prefix', 'default/b', ['10.0.0.2:8080']],
    ]);
    assert.deepEqual(
      t.listeners[0].endpoints.map((e) => e.pod),
      ['default/a-1', 'default/b-1'],
      'every backend endpoint, for drains',
    );
  });

  it('a missing Service or port gives a route without endpoints (503) and a warning', () => {
    const t = ingressListeners(desired({ services: [svc('a')], ingresses: [two] }), [], opts);
    assert.deepEqual(
      t.listeners[0].http!.routes.map((r) => r.endpoints.length),
      [0, 0],
    );
    assert.match(t.warnings.join('\n'), /Service default\/b port http: no such Service/);
  });

  it('an Ingress of another class is not served; none left means no listener', () => {
    assert.deepEqual(ingressListeners(desired({ ingresses: [{ ...two, ingressClassName: 'nginx' }] }), [], opts).listeners, []);
    assert.equal(ingressListeners(desired({ ingresses: [{ ...two, ingressClassName: 'berth' }] }), [], opts).listeners.length, 1);
  });

  it('TLS: an HTTPS listener with the certificate per host, key and certificate as content-named files', () => {
    const tls = secret('cert', { 'tls.crt': 'CERT-PEM', 'tls.key': 'KEY-PEM' });
    tls.type = 'kubernetes.io/tls';
    const t = ingressListeners(
      desired({ secrets: [tls], services: [svc('a')], ingresses: [{ ...two, tls: [{ hosts: ['a.test'], secretName: 'cert' }] }] }),
      [],
      opts,
    );
    assert.deepEqual(
      t.listeners.map((l) => l.port),
      [18080, 18443],
    );
    const [spec] = t.listeners[1].http!.tls!;
    assert.deepEqual(spec.hosts, ['a.test']);
    assert.deepEqual(
      t.files.map((f) => [f.path === spec.certFile || f.path === spec.keyFile, f.data, f.secret]),
      [
        [true, 'CERT-PEM', false],
        [true, 'KEY-PEM', true],
      ],
    );
    assert.ok(!JSON.stringify(t.listeners).includes('KEY-PEM'), 'the key is not in the table');
  });

  it('the same host and path in two Ingresses: the first by namespace/name wins, with a warning', () => {
    const dup = ingress('z-late', { rules: [{ host: 'a.test', paths: [{ path: '/', pathType: 'Prefix', backend: { service: 'b', port: 80 } }] }] });
    const t = ingressListeners(desired({ services: [svc('a'), svc('b')], ingresses: [two, dup] }), [], opts);
    assert.equal(t.listeners[0].http!.routes.filter((r) => r.host === 'a.test')[0].service, 'default/a');
    assert.match(t.warnings.join('\n'), /z-late.*already routed by Ingress default\/sites/);
  });
});
