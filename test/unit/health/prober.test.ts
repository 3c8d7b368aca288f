import { strict as assert } from 'node:assert';
import { PROBE_CONCURRENCY, Prober, type ProbedContainer } from '../../../src/health/prober';
import type { Probe } from '../../../src/model/types';
import type { ExecResult, Runtime } from '../../../src/runtime/types';

const execProbe: Probe = {
  handler: { type: 'exec', command: ['ready'] },
  initialDelaySeconds: 0,
  periodSeconds: 1,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 1,
};

describe('prober: many pods', () => {
  it(`probes 100 containers, at most ${PROBE_CONCURRENCY} exec probes at once, each once per period`, async () => {
    let inFlight = 0;
    let most = 0;
    const probed: string[] = [];
    // Only exec is used by exec probes: the rest of the engine is not needed here.
    const runtime = {
      async exec(id: string): Promise<ExecResult> {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        probed.push(id);
        return { exitCode: 0, output: '' };
      },
    } as unknown as Runtime;
    const containers: ProbedContainer[] = Array.from({ length: 100 }, (_, i) => ({
      id: `c${i}`,
      running: true,
      upForMs: 5000,
      ip: '',
      ports: [],
      readinessProbe: execProbe,
    }));
    const prober = new Prober(runtime, () => 1_000_000);
    await prober.tick(containers);
    await prober.tick(containers); // same instant: nothing is due again
    assert.equal(probed.length, 100);
    assert.equal(most, PROBE_CONCURRENCY);
    assert.ok(containers.every((c) => prober.readiness(c).ready));
  });

  it('onlyNew probes only containers never probed (a step, while the probe loop keeps the periods)', async () => {
    const probed: string[] = [];
    const runtime = { exec: async (id: string): Promise<ExecResult> => (probed.push(id), { exitCode: 0, output: '' }) } as unknown as Runtime;
    let now = 1_000_000;
    const prober = new Prober(runtime, () => now);
    const make = (id: string): ProbedContainer => ({ id, running: true, upForMs: 5000, ip: '', ports: [], readinessProbe: execProbe });
    await prober.tick([make('old')]);
    now += 5000; // 'old' is due again
    await prober.tick([make('old'), make('new')], { onlyNew: true });
    assert.deepEqual(probed, ['old', 'new']);
    await prober.tick([make('old'), make('new')]);
    assert.deepEqual(probed, ['old', 'new', 'old'], 'the loop runs what is due');
  });
});
