import { strict as assert } from 'node:assert';
import { initialProbeState, probeDue, recordProbe } from '../../../src/health/tracker';
import type { Probe } from '../../../src/model/types';

const probe = (over: Partial<Probe> = {}): Probe => ({
  handler: { type: 'tcpSocket', port: 80 },
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...over,
});
const ok = { ok: true } as const;
const bad = { ok: false, reason: 'refused' } as const;

function fold(p: Probe, kind: 'readiness' | 'liveness', results: boolean[]): boolean[] {
  let s = initialProbeState(kind);
  return results.map((r, i) => (s = recordProbe(p, s, r ? ok : bad, i * 1000)).passing);
}

describe('probe tracker', () => {
  const cases: { name: string; p: Probe; kind: 'readiness' | 'liveness'; results: boolean[]; passing: boolean[] }[] = [
    { name: 'readiness starts failing, one success makes it ready', p: probe(), kind: 'readiness', results: [false, true], passing: [false, true] },
    {
      name: 'successThreshold 2 needs two in a row',
      p: probe({ successThreshold: 2 }),
      kind: 'readiness',
      results: [true, false, true, true],
      passing: [false, false, false, true],
    },
    {
      name: 'failureThreshold 3 tolerates two failures',
      p: probe(),
      kind: 'readiness',
      results: [true, false, false, true, false, false, false],
      passing: [true, true, true, true, true, true, false],
    },
    {
      name: 'liveness starts passing and fails after threshold',
      p: probe({ failureThreshold: 2 }),
      kind: 'liveness',
      results: [false, false],
      passing: [true, false],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(fold(c.p, c.kind, c.results), c.passing));
  }

  it('keeps the last error for the status message', () => {
    const s = recordProbe(probe(), initialProbeState('readiness'), bad, 0);
    assert.equal(s.lastError, 'refused');
  });

  it('is not due before initialDelaySeconds, then every periodSeconds', () => {
    const p = probe({ initialDelaySeconds: 5, periodSeconds: 2 });
    const s0 = initialProbeState('readiness');
    assert.deepEqual([probeDue(p, s0, 0, 4999), probeDue(p, s0, 0, 5000)], [false, true]);
    const s1 = recordProbe(p, s0, ok, 5000);
    assert.deepEqual([probeDue(p, s1, 0, 6999), probeDue(p, s1, 0, 7000)], [false, true]);
  });
});
