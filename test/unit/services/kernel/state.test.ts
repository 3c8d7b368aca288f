import { strict as assert } from 'node:assert';
import { KERNEL_FORMAT, kernelStatus, type KernelState } from '../../../../src/services/kernel/state';
import type { ListenerState } from '../../../../src/services/proxy/types';

const listener = (over: Partial<ListenerState> = {}): ListenerState => ({
  protocol: 'TCP',
  address: '0.0.0.0',
  port: 30080,
  service: 'default/web',
  servicePort: 80,
  source: 'nodePort',
  endpoints: [{ ip: '10.1.0.2', port: 8080, pod: 'default/web-a' }],
  bound: true,
  forwarded: 0,
  rejected: 0,
  ...over,
});
const state = (listeners: ListenerState[]): KernelState => ({
  format: KERNEL_FORMAT,
  mode: 'kernel',
  table: 'berth_x',
  where: 'host',
  generation: 4,
  appliedAt: '',
  listeners,
});

describe('services/kernel: kernelStatus', () => {
  it('live rules: listeners with connections per endpoint and connections counted by their chain', () => {
    const s = kernelStatus(state([listener()]), true, { '10.1.0.2:8080': 2 }, () => 7);
    assert.deepEqual(
      [s.running, s.appliedGeneration, s.listeners[0].bound, s.listeners[0].forwarded, s.listeners[0].endpoints[0].connections],
      [true, 4, true, 7, 2],
    );
  });
  it('an endpoint that left the rules with connections open is draining', () => {
    assert.deepEqual(kernelStatus(state([listener()]), true, { '10.1.0.9:8080': 1 }, () => 0).draining, [{ endpoint: '10.1.0.9:8080', connections: 1 }]);
  });
  it('rules gone from the kernel: nothing is bound, and the status says so', () => {
    const s = kernelStatus(state([listener()]), false, {}, () => 7);
    assert.deepEqual([s.running, s.listeners[0].bound, s.listeners[0].error, s.listeners[0].forwarded], [false, false, 'rules not in the kernel', 0]);
  });
  it('a clash stays reported', () => {
    const s = kernelStatus(state([listener({ bound: false, error: 'host port tcp/0.0.0.0:30080 is in use by another process' })]), true, {}, () => 0);
    assert.equal(s.listeners[0].error, 'host port tcp/0.0.0.0:30080 is in use by another process');
  });
});
