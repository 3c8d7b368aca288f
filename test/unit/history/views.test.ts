import assert from 'node:assert/strict';
import type { Probe } from '../../../src/model/types';
import type { PodContext } from '../../../src/rollout/podViews';
import { readOnlyContexts, withReadySinceCreation } from '../../../src/history/views';
import { pod, view } from './fixtures';

const probe = (initialDelaySeconds: number): Probe => ({
  handler: { type: 'exec', command: ['true'] },
  initialDelaySeconds,
  periodSeconds: 1,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});

function context(createdAtS: number, readiness?: Probe): PodContext {
  const observed = pod('web-a', 'H', 'r', { createdAt: createdAtS });
  return {
    observed,
    probed: [
      {
        id: observed.containers[0]!.id,
        running: true,
        ip: '10.0.0.2',
        ports: [],
        ...(readiness ? { readinessProbe: readiness } : {}),
        livenessProbe: probe(0),
      },
    ],
  };
}

describe('history/views', () => {
  it('drops liveness probes: a status never restarts a container', () => {
    const [c] = readOnlyContexts([context(1000, probe(0))], 1_000_000);
    assert.equal(c!.probed[0]!.livenessProbe, undefined);
    assert.ok(c!.probed[0]!.readinessProbe);
  });

  const delays: [string, number, number, number][] = [
    ['a container up longer than the delay is probed at once', 100, 800, 0],
    ['a young container waits what is left of the delay', 30, 1000 - 10, 20],
    ['no delay stays none', 0, 0, 0],
  ];
  for (const [name, delay, createdAtS, want] of delays) {
    it(name, () => {
      const [c] = readOnlyContexts([context(createdAtS, probe(delay))], 1_000_000);
      assert.equal(c!.probed[0]!.readinessProbe!.initialDelaySeconds, want);
    });
  }

  it('pods ready at the first look count as ready since their creation; others as probed', () => {
    const pods = [pod('web-a', 'H', 'r', { createdAt: 100 }), pod('web-b', 'H', 'r', { createdAt: 100 })];
    const views = [view('web-a', 'H', true, 500_000), view('web-b', 'H', true, 600_000)];
    const out = withReadySinceCreation(views, pods, new Set(['default/web-a']));
    assert.deepEqual(
      out.map((v) => v.readySince),
      [100_000, 600_000],
    );
  });

  it('a pod not ready is left alone', () => {
    const out = withReadySinceCreation([view('web-a', 'H', false)], [pod('web-a', 'H', 'r')], new Set(['default/web-a']));
    assert.equal(out[0]!.readySince, undefined);
  });
});
