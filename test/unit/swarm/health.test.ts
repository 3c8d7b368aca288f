/** A service's health from its tasks, and the order of StatefulSet ordinals (pure). */
import { strict as assert } from 'node:assert';
import { serviceHealth } from '../../../src/swarm/health';
import { ordinalsAllowed } from '../../../src/swarm/order';
import type { DesiredService } from '../../../src/swarm/render';
import type { SwarmService, SwarmServiceSpec, SwarmTask } from '../../../src/runtime/swarm/types';
import { LABEL } from '../../../src/runtime/types';

const want = (name: string, hash: string, over: Partial<DesiredService> = {}): DesiredService => ({
  key: 'Deployment/default/web',
  kind: 'Deployment',
  namespace: 'default',
  owner: 'web',
  replicas: 2,
  pullPolicy: 'Always',
  specHash: hash,
  spec: { Name: name, Labels: { [LABEL.specHash]: hash } } as unknown as SwarmServiceSpec,
  ...over,
});
const observed = (name: string, hash: string, update?: SwarmService['update']): SwarmService => ({
  id: `id-${name}`,
  version: 1,
  spec: { Name: name, Labels: { [LABEL.specHash]: hash } } as unknown as SwarmServiceSpec,
  ...(update ? { update } : {}),
});
let n = 0;
const task = (service: string, hash: string, state: SwarmTask['state'], over: Partial<SwarmTask> = {}): SwarmTask => ({
  id: `t${n++}`,
  serviceId: `id-${service}`,
  nodeId: 'n1',
  slot: 1,
  state,
  desiredState: 'running',
  message: '',
  error: '',
  specLabels: { [LABEL.specHash]: hash },
  createdAt: n,
  ...over,
});

describe('swarm service health', () => {
  it('is Missing before the service exists', () => {
    assert.equal(serviceHealth(want('web', 'h2'), undefined, []).health, 'Missing');
  });
  it('is Healthy when every wanted task of the spec runs and no old one does', () => {
    assert.equal(serviceHealth(want('web', 'h2'), observed('web', 'h2'), [task('web', 'h2', 'running'), task('web', 'h2', 'running')]).health, 'Healthy');
  });
  it('is Progressing while an old task still runs', () => {
    const h = serviceHealth(want('web', 'h2'), observed('web', 'h2'), [
      task('web', 'h2', 'running'),
      task('web', 'h2', 'running'),
      task('web', 'h1', 'running'),
    ]);
    assert.equal(h.message, '2 of 2 updated task(s) running, 1 old');
  });
  it('is Degraded when the swarm paused the update', () => {
    const h = serviceHealth(want('web', 'h2'), observed('web', 'h2', { state: 'paused', message: 'update paused due to failure' }), []);
    assert.equal(h.health, 'Degraded');
  });
  it('is Degraded when new tasks keep failing', () => {
    const failed = [1, 2, 3].map(() => task('web', 'h2', 'failed', { error: 'task: non-zero exit (3)' }));
    assert.match(
      serviceHealth(want('web', 'h2'), observed('web', 'h2'), failed).message,
      /3 task\(s\) of the new spec failed; last: task: non-zero exit \(3\)/,
    );
  });
  it('says why a task is pending', () => {
    const pending = task('web', 'h2', 'pending', { error: 'no suitable node (insufficient resources on 3 nodes)' });
    assert.match(serviceHealth(want('web', 'h2'), observed('web', 'h2'), [pending]).message, /pending: no suitable node \(insufficient resources on 3 nodes\)/);
  });
  it('counts a global service by the tasks the swarm keeps', () => {
    const g = want('agent', 'h1', { replicas: undefined, kind: 'DaemonSet' });
    assert.equal(serviceHealth(g, observed('agent', 'h1'), [task('agent', 'h1', 'running'), task('agent', 'h1', 'running')]).message, '2 of 2 task(s) running');
  });
});

describe('swarm StatefulSet order', () => {
  const ord = (i: number, hash: string) => want(`store-${i}`, hash, { kind: 'StatefulSet', key: 'StatefulSet/default/store', ordinal: i, replicas: 1 });
  const healthyAll = () => true;
  it('creates ordinal N only once 0..N-1 are healthy', () => {
    const seen = new Map([['store-0', observed('store-0', 'h1')]]);
    assert.deepEqual([...ordinalsAllowed([ord(0, 'h1'), ord(1, 'h1'), ord(2, 'h1')], seen, healthyAll)], ['store-1']);
    assert.deepEqual([...ordinalsAllowed([ord(0, 'h1'), ord(1, 'h1')], seen, () => false)], []);
  });
  it('updates the highest stale ordinal first, one at a time', () => {
    const seen = new Map([0, 1, 2].map((i) => [`store-${i}`, observed(`store-${i}`, 'h1')] as const));
    assert.deepEqual([...ordinalsAllowed([ord(0, 'h2'), ord(1, 'h2'), ord(2, 'h2')], seen, healthyAll)], ['store-2']);
    seen.set('store-2', observed('store-2', 'h2'));
    assert.deepEqual([...ordinalsAllowed([ord(0, 'h2'), ord(1, 'h2'), ord(2, 'h2')], seen, healthyAll)], ['store-1']);
  });
});
