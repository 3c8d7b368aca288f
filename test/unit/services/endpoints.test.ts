import { strict as assert } from 'node:assert';
import { serviceEndpoints, type PodEndpointInput } from '../../../src/services/proxy';
import type { ServiceResource } from '../../../src/model/types';
import { desired, pod, port, svc } from './proxy/fixtures';

/** `address:port -> [ip:port ...]` for one-line assertions. */
function summary(services: ServiceResource[], pods: PodEndpointInput[], opts = {}): Record<string, string[]> {
  const t = serviceEndpoints(desired(...services), pods, opts);
  return Object.fromEntries(t.listeners.map((l) => [`${l.protocol} ${l.address}:${l.port}`, l.endpoints.map((e) => `${e.ip}:${e.port}`)]));
}

const web = (over: Parameters<typeof svc>[1] = {}) => svc('web', over);

describe('proxy: serviceEndpoints', () => {
  const cases: { name: string; services: ServiceResource[]; pods: PodEndpointInput[]; opts?: object; want: Record<string, string[]> }[] = [
    {
      name: 'NodePort: one listener on the nodePort with the ready selected pods',
      services: [web()],
      pods: [pod('a', '10.1.0.2'), pod('b', '10.1.0.3')],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080', '10.1.0.3:8080'] },
    },
    {
      name: 'selector: other labels and other namespaces are left out',
      services: [web()],
      pods: [pod('a', '10.1.0.2'), pod('b', '10.1.0.3', { labels: { app: 'db' } }), pod('c', '10.2.0.4', { namespace: 'other' })],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080'] },
    },
    {
      name: 'selector: every label must match, extra pod labels do not matter',
      services: [web({ selector: { app: 'web', tier: 'front' } })],
      pods: [pod('a', '10.1.0.2', { labels: { app: 'web', tier: 'front', v: '2' } }), pod('b', '10.1.0.3', { labels: { app: 'web' } })],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080'] },
    },
    {
      name: 'an empty selector selects nothing',
      services: [web({ selector: {} })],
      pods: [pod('a', '10.1.0.2')],
      want: { 'TCP 0.0.0.0:30080': [] },
    },
    {
      name: 'not ready, terminating and IP-less pods are not endpoints',
      services: [web()],
      pods: [pod('a', '10.1.0.2', { ready: false }), pod('b', '10.1.0.3', { terminating: true }), pod('c', ''), pod('d', '10.1.0.5')],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.5:8080'] },
    },
    {
      name: 'named targetPort: looked up on each pod (two revisions, two numbers)',
      services: [web({ ports: [port({ targetPort: 'http' })] })],
      pods: [
        pod('a', '10.1.0.2', { ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }),
        pod('b', '10.1.0.3', {
          ports: [
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
            { name: 'http', containerPort: 9000, protocol: 'TCP' },
          ],
        }),
      ],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080', '10.1.0.3:9000'] },
    },
    {
      name: 'named targetPort: a pod without that name (or with it on UDP) is left out',
      services: [web({ ports: [port({ targetPort: 'http' })] })],
      pods: [pod('a', '10.1.0.2', { ports: [{ name: 'http', containerPort: 8080, protocol: 'UDP' }] }), pod('b', '10.1.0.3')],
      want: { 'TCP 0.0.0.0:30080': [] },
    },
    {
      name: 'numeric string targetPort is a number',
      services: [web({ ports: [port({ targetPort: '7000' })] })],
      pods: [pod('a', '10.1.0.2')],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:7000'] },
    },
    {
      name: 'LoadBalancer: nodePort on the node address and port on the LB address',
      services: [web({ type: 'LoadBalancer' })],
      pods: [pod('a', '10.1.0.2')],
      opts: { lbAddress: '127.0.0.1' },
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080'], 'TCP 127.0.0.1:80': ['10.1.0.2:8080'] },
    },
    {
      name: 'several ports, UDP among them',
      services: [web({ ports: [port(), port({ port: 53, targetPort: 5353, nodePort: 30053, protocol: 'UDP' })] })],
      pods: [pod('a', '10.1.0.2')],
      opts: { nodeAddress: '127.0.0.1' },
      want: { 'TCP 127.0.0.1:30080': ['10.1.0.2:8080'], 'UDP 127.0.0.1:30053': ['10.1.0.2:5353'] },
    },
    {
      name: 'ClusterIP and ExternalName Services get no host listener',
      services: [web({ type: 'ClusterIP' }), svc('ext', { type: 'ExternalName', externalName: 'example.org' })],
      pods: [pod('a', '10.1.0.2')],
      want: {},
    },
    {
      name: 'endpoints are ordered by pod name, whatever the input order',
      services: [web()],
      pods: [pod('c', '10.1.0.4'), pod('a', '10.1.0.2'), pod('b', '10.1.0.3')],
      want: { 'TCP 0.0.0.0:30080': ['10.1.0.2:8080', '10.1.0.3:8080', '10.1.0.4:8080'] },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(summary(c.services, c.pods, c.opts), c.want));

  it('names the Service, its port and each pod', () => {
    const t = serviceEndpoints(desired(web({ namespace: 'shop', type: 'LoadBalancer' })), [pod('a', '10.1.0.2', { namespace: 'shop' })]);
    assert.deepEqual(
      t.listeners.map((l) => [l.service, l.servicePort, l.source, l.endpoints[0]?.pod]),
      [
        ['shop/web', 80, 'nodePort', 'shop/a'],
        ['shop/web', 80, 'loadBalancer', 'shop/a'],
      ],
    );
  });

  const warned: { name: string; services: ServiceResource[]; pods: PodEndpointInput[]; want: RegExp }[] = [
    {
      name: 'a pod lacking the named targetPort',
      services: [web({ ports: [port({ targetPort: 'http' })] })],
      pods: [pod('b', '10.1.0.3')],
      want: /Service default\/web port 80: pod default\/b declares no TCP container port named "http"/,
    },
    {
      name: 'a port without nodePort',
      services: [web({ ports: [port({ nodePort: undefined })] })],
      pods: [],
      want: /Service default\/web port 80: no nodePort assigned/,
    },
    {
      name: 'two listeners on one host port',
      services: [svc('a', { type: 'LoadBalancer', ports: [port({ port: 30099, nodePort: 30001 })] }), svc('b', { ports: [port({ nodePort: 30099 })] })],
      pods: [],
      want: /Service default\/b port 80: host tcp\/0\.0\.0\.0:30099 is already served for Service default\/a port 30099; listener left out/,
    },
  ];
  for (const c of warned) {
    it(`warns about ${c.name}`, () => {
      const t = serviceEndpoints(desired(...c.services), c.pods);
      assert.ok(
        t.warnings.some((w) => c.want.test(w)),
        t.warnings.join('\n'),
      );
    });
  }

  it('a clash leaves the second listener out and keeps the first', () => {
    const t = serviceEndpoints(
      desired(svc('a', { type: 'LoadBalancer', ports: [port({ port: 30099, nodePort: 30001 })] }), svc('b', { ports: [port({ nodePort: 30099 })] })),
      [],
    );
    assert.deepEqual(
      t.listeners.map((l) => `${l.service}@${l.port}`),
      ['default/a@30001', 'default/a@30099'],
    );
  });

  it('is pure: the same input gives the same table, and the input is not changed', () => {
    const services = [web({ type: 'LoadBalancer' })];
    const pods = [pod('b', '10.1.0.3'), pod('a', '10.1.0.2')];
    const before = JSON.stringify({ services, pods });
    const a = serviceEndpoints(desired(...services), pods);
    const b = serviceEndpoints(desired(...services), pods);
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify({ services, pods }), before);
    a.listeners[0].endpoints.pop();
    assert.equal(a.listeners[1].endpoints.length, 2, 'listeners do not share endpoint lists');
  });
});
