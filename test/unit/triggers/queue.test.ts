import { strict as assert } from 'node:assert';
import { PassQueue, nextDelay, type PassResult } from '../../../src/triggers/queue';
import { pollUntil } from '../../../src/util/eventually';

describe('pass queue', () => {
  it('collapses triggers that arrive during a pass into one more pass', async () => {
    const seen: string[][] = [];
    let release!: () => void;
    const firstPassBlocked = new Promise<void>((r) => (release = r));
    const q = new PassQueue(async (reasons) => {
      seen.push(reasons);
      if (seen.length === 1) await firstPassBlocked;
      return { type: 'terminal-error', error: new Error('wait for input') };
    });
    q.trigger('commit');
    q.trigger('poll');
    q.trigger('webhook');
    q.trigger('poll');
    release();
    await pollUntil(() => (seen.length === 2 ? true : undefined), { timeoutMs: 2000 });
    await q.stop();
    assert.deepEqual(seen, [['commit'], ['poll', 'webhook']]);
  });

  it('retries a transient error with backoff', async () => {
    let calls = 0;
    const q = new PassQueue(
      async () => (++calls < 3 ? { type: 'transient-error', error: new Error('remote unreachable') } : { type: 'done', resyncAfterMs: 60_000 }),
      undefined,
      { baseMs: 5, maxMs: 20 },
    );
    q.trigger('start');
    await pollUntil(() => (calls === 3 ? true : undefined), { timeoutMs: 2000 });
    await q.stop();
  });

  it('turns a thrown error into a transient one', async () => {
    const results: PassResult[] = [];
    const q = new PassQueue(
      async () => {
        throw new Error('boom');
      },
      (r) => results.push(r),
      { baseMs: 60_000, maxMs: 60_000 },
    );
    q.trigger('start');
    await pollUntil(() => (results.length ? true : undefined), { timeoutMs: 2000 });
    await q.stop();
    assert.equal(results[0].type, 'transient-error');
  });

  const table: { result: PassResult; failures: number; delay: number | undefined }[] = [
    { result: { type: 'done', resyncAfterMs: 30_000 }, failures: 0, delay: 30_000 },
    { result: { type: 'requeue', afterMs: 500 }, failures: 0, delay: 500 },
    { result: { type: 'transient-error', error: new Error() }, failures: 0, delay: 1000 },
    { result: { type: 'transient-error', error: new Error() }, failures: 3, delay: 8000 },
    { result: { type: 'transient-error', error: new Error() }, failures: 30, delay: 300_000 },
    { result: { type: 'terminal-error', error: new Error() }, failures: 0, delay: undefined },
  ];
  for (const c of table) {
    it(`next delay after ${c.result.type} (${c.failures} failures before) is ${c.delay}`, () => {
      assert.equal(nextDelay(c.result, c.failures), c.delay);
    });
  }
});
