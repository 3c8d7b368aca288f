import assert from 'node:assert/strict';
import { initialWatchState, judge, type Judged, type WatchState } from '../../../src/history/watch';
import { sha } from './fixtures';

const spec = { revision: sha('c2'), workload: { templateHash: 'H2', progressDeadlineSeconds: 10 } };
const t = (hash: string, pods: number, ready = pods) => ({ hash, pods, running: pods, ready, available: ready });

function look(over: Partial<Judged>): Judged {
  return {
    spec,
    templates: [t('H2', 1), t('H1', 2)],
    health: { key: 'k', kind: 'Deployment', namespace: 'default', name: 'web', health: 'Progressing', message: 'm' },
    ...over,
  };
}
const health = (h: 'Healthy' | 'Degraded' | 'Progressing', message = 'm') => ({
  key: 'k',
  kind: 'Deployment',
  namespace: 'default',
  name: 'web',
  health: h,
  message,
});

describe('history/watch judge', () => {
  const start = initialWatchState(0);
  const seen: WatchState = { ...start, sawSpecPods: true };
  const cases: { name: string; look: Judged; state?: WatchState; now?: number; timeoutMs?: number; want: string }[] = [
    { name: 'healthy', look: look({ health: health('Healthy', '3 of 3') }), want: 'healthy: 3 of 3' },
    { name: 'degraded', look: look({ health: health('Degraded', 'pod web-x exited with code 3') }), want: 'failed: pod web-x exited with code 3' },
    { name: 'progressing', look: look({}), now: 5000, want: 'continue' },
    {
      name: "the operator failed the spec's commit",
      look: look({ operator: { type: 'seen', url: 'u', instance: 'i', phase: 'idle', lastAttempted: { sha: sha('c2'), status: 'failed', reason: 'crash' } } }),
      want: 'failed: the operator recorded c2c2c2c2 as failed: crash',
    },
    {
      name: 'the operator failed another commit: keep going',
      look: look({ operator: { type: 'seen', url: 'u', instance: 'i', phase: 'idle', lastAttempted: { sha: sha('c9'), status: 'failed' } } }),
      want: 'continue',
    },
    {
      name: "rolled back: the spec's pods were seen and are gone",
      look: look({ templates: [t('H1', 2)] }),
      state: seen,
      want: 'failed: rolled back: no pod runs template H2 any more (runs H1)',
    },
    { name: 'not started yet: no spec pods ever seen', look: look({ templates: [t('H1', 2)] }), want: 'continue' },
    {
      name: 'stalled past the progress deadline',
      look: look({}),
      state: { ...seen, signature: 'H2:1/1/1/1,H1:2/2/2/2|m' },
      now: 10_001,
      want: 'failed: no progress for 10s (progressDeadlineSeconds): m',
    },
    { name: 'a change resets the deadline', look: look({ templates: [t('H2', 2)] }), state: { ...seen, signature: 'old' }, now: 10_001, want: 'continue' },
    { name: '--timeout', look: look({}), now: 3000, timeoutMs: 3000, want: 'failed: timed out after 3s: m' },
    { name: 'no spec', look: { templates: [] }, want: 'failed: the workload has no spec to measure its pods against' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { verdict } = judge(c.look, c.state ?? start, c.now ?? 0, c.timeoutMs);
      assert.equal(verdict.type === 'continue' ? 'continue' : verdict.type === 'healthy' ? `healthy: ${verdict.message}` : `failed: ${verdict.reason}`, c.want);
    });
  }

  it('remembers that spec pods were seen and when things last changed', () => {
    const a = judge(look({}), start, 100).state;
    assert.equal(a.sawSpecPods, true);
    assert.equal(a.lastChange, 100);
    assert.equal(judge(look({}), a, 200).state.lastChange, 100);
  });
});
