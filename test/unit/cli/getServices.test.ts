/** `berth get services`: the NODE PORTS column comes from the host proxy's listeners, allocated nodePorts included. */
import { strict as assert } from 'node:assert';
import { withNodePorts } from '../../../src/cli/get/gather';
import type { ProxyStatus } from '../../../src/services/proxy';

const listener = (service: string, port: number, protocol = 'TCP', source = 'nodePort') => ({
  service,
  servicePort: 80,
  protocol,
  address: '0.0.0.0',
  port,
  source,
  bound: true,
  forwarded: 0,
  rejected: 0,
  endpoints: [],
});
const host = (ls: ReturnType<typeof listener>[]) => ({ listeners: ls }) as unknown as Pick<ProxyStatus, 'listeners'>;

describe('cli: get services shows node ports', () => {
  it('adds each Service its listen ports, and a row for a NodePort Service with no pod yet', () => {
    const rows = withNodePorts(
      [
        { namespace: 'default', name: 'web', endpoints: ['web-1'] },
        { namespace: 'default', name: 'db', endpoints: [] },
      ],
      host([listener('default/web', 31234), listener('default/web', 31234, 'UDP'), listener('shop/api', 30500)]),
    );
    assert.deepEqual(rows, [
      { namespace: 'default', name: 'web', endpoints: ['web-1'], nodePorts: ['31234/TCP', '31234/UDP'] },
      { namespace: 'default', name: 'db', endpoints: [], nodePorts: [] },
      { namespace: 'shop', name: 'api', endpoints: [], nodePorts: ['30500/TCP'] },
    ]);
  });

  it('leaves out the listeners of ClusterIP anchors and of the Ingress: they are not host ports of the Service', () => {
    const rows = withNodePorts(
      [{ namespace: 'default', name: 'web', endpoints: [] }],
      host([
        listener('default/web', 80, 'TCP', 'clusterIP'),
        listener('default/web', 8080, 'TCP', 'ingress'),
        listener('default/web', 80, 'TCP', 'loadBalancer'),
      ]),
    );
    assert.deepEqual(rows, [{ namespace: 'default', name: 'web', endpoints: [], nodePorts: ['80/TCP'] }]);
  });

  it('keeps to the namespace asked for', () => {
    assert.deepEqual(withNodePorts([], host([listener('shop/api', 30500)]), 'default'), []);
  });
});
