import * as assert from 'assert';
import { PassThrough } from 'stream';
import { subscribeEvents } from '../../../src/runtime/events';
import type { ApiEvent } from '../../../src/runtime/mapping';
import { pollUntil } from '../../../src/util/eventually';

function setup() {
  const stream = new PassThrough();
  const got: ApiEvent[] = [];
  const errors: string[] = [];
  let since = 0;
  const sub = subscribeEvents(
    async (s) => {
      since = s;
      return stream;
    },
    (e) => got.push(e),
    (err, what) => errors.push(`${what}: ${(err as Error).message}`),
  );
  return { stream, got, errors, sub, since: () => since };
}

describe('runtime/events', () => {
  it('parses events whose lines are split across chunks', async () => {
    const { stream, got, since } = setup();
    const line = JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: 'abc' }, time: 1 }) + '\n';
    await pollUntil(() => (since() > 0 ? true : undefined), { timeoutMs: 1000 });
    stream.write(line.slice(0, 10));
    stream.write(line.slice(10) + line.slice(0, 5));
    stream.write(line.slice(5));
    await pollUntil(() => (got.length === 2 ? true : undefined), { timeoutMs: 1000, what: 'two events' });
    assert.deepStrictEqual(
      got.map((e) => e.Action),
      ['start', 'start'],
    );
    assert.ok(Math.abs(since() - Date.now() / 1000) < 5, 'since is about now');
  });

  it('reports an unexpected end once, and nothing after close()', async () => {
    const a = setup();
    await pollUntil(() => (a.since() > 0 ? true : undefined), { timeoutMs: 1000 });
    a.stream.end();
    await pollUntil(() => (a.errors.length > 0 ? true : undefined), { timeoutMs: 1000, what: 'end reported' });
    assert.deepStrictEqual(a.errors, ['engine event stream ended: the engine closed the event stream']);

    const b = setup();
    await pollUntil(() => (b.since() > 0 ? true : undefined), { timeoutMs: 1000 });
    b.sub.close();
    assert.strictEqual(b.stream.destroyed, true);
    assert.deepStrictEqual(b.errors, []);
  });

  it('reports a failure to open the stream', async () => {
    const errors: string[] = [];
    subscribeEvents(
      () => Promise.reject(new Error('boom')),
      () => undefined,
      (err, what) => errors.push(`${what}: ${(err as Error).message}`),
    );
    await pollUntil(() => (errors.length ? true : undefined), { timeoutMs: 1000 });
    assert.deepStrictEqual(errors, ['cannot subscribe to engine events: boom']);
  });
});
