import { strict as assert } from 'node:assert';
import { startApiServer, type ApiDeps, type ApiServer } from '../../../src/api/server';
import { SnapshotStream } from '../../../src/api/events';
import type { DashboardSnapshot } from '../../../src/api/view/types';
import { pollUntil } from '../../../src/util/eventually';

/** Reads `snapshot` events of a stream into `got` until aborted. */
function listen(url: string, got: unknown[]): AbortController {
  const ac = new AbortController();
  void (async () => {
    const res = await fetch(url, { signal: ac.signal });
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString('utf8');
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = /^event: snapshot\ndata: (.*)$/m.exec(frame);
        if (data) got.push(JSON.parse(data[1]!));
      }
    }
  })().catch(() => undefined);
  return ac;
}

function base(over: Partial<ApiDeps> = {}): ApiDeps {
  return {
    status: () => ({ instance: 't', source: { repo: 'r', branch: 'main', path: '.' }, phase: 'idle', resources: [] }),
    revisions: async () => [],
    requestSync: () => undefined,
    verifyWebhook: () => ({ ok: true }),
    ready: () => true,
    metrics: async () => ({ contentType: 'text/plain', body: '' }),
    ...over,
  };
}

describe('api events: the dashboard stream and actions', () => {
  let api: ApiServer | undefined;
  afterEach(() => api?.close());

  it('pushes the snapshot at once, then each change, never the same one twice', async () => {
    let value = 1;
    const stream = new SnapshotStream(async () => ({ value }) as unknown as DashboardSnapshot, { debounceMs: 5 });
    api = await startApiServer('127.0.0.1:0', base({ dashboard: { snapshot: async () => ({ value }) as unknown as DashboardSnapshot, stream } }));
    const got: unknown[] = [];
    const ac = listen(`${api.url}/api/v1/events`, got);
    await pollUntil(async () => (got.length === 1 ? true : undefined), { timeoutMs: 5000, what: 'the first snapshot' });
    stream.changed(); // same value: nothing new to send
    await pollUntil(async () => ((stream as unknown as { timer?: unknown }).timer === undefined ? true : undefined), { timeoutMs: 5000, what: 'the rebuild' });
    value = 2;
    stream.changed();
    await pollUntil(async () => (got.length >= 2 ? true : undefined), { timeoutMs: 5000, what: 'the changed snapshot' });
    ac.abort();
    stream.close();
    assert.deepEqual(got, [{ value: 1 }, { value: 2 }]);
  });

  it('an action: a bad body is 400, the actions the server lacks are 501, a good one 202', async () => {
    const restarts: unknown[] = [];
    api = await startApiServer(
      '127.0.0.1:0',
      base({
        actions: {
          restart: async (ref) => (restarts.push(ref), { type: 'accepted', message: 'ok' }),
          rollback: async () => ({ type: 'accepted', message: 'ok' }),
          setSelfHealPaused: async () => ({ type: 'accepted', message: 'ok' }),
        },
      }),
    );
    const post = (path: string, body: string) =>
      fetch(api!.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.status);
    assert.deepEqual(
      [
        await post('/api/v1/restart', '{"kind":"Job","name":"x"}'),
        await post('/api/v1/restart', 'not json'),
        await post('/api/v1/rollback', '{"kind":"Deployment","name":"web","toRevision":"xyz"}'),
        await post('/api/v1/restart', '{"kind":"Deployment","name":"web"}'),
      ],
      [400, 400, 400, 202],
    );
    assert.deepEqual(restarts, [{ kind: 'Deployment', namespace: 'default', name: 'web' }]);
    await api.close();
    api = await startApiServer('127.0.0.1:0', base());
    assert.equal(await post('/api/v1/self-heal', '{"paused":true}'), 501);
  });

  it('with a token, an action without it is 401 and does nothing', async () => {
    const syncs: string[] = [];
    api = await startApiServer('127.0.0.1:0', base({ apiToken: 'tok-0123456789abcdef', requestSync: (r) => void syncs.push(r) }));
    const without = await fetch(`${api.url}/api/v1/sync`, { method: 'POST' });
    const withIt = await fetch(`${api.url}/api/v1/sync`, { method: 'POST', headers: { authorization: 'Bearer tok-0123456789abcdef' } });
    assert.deepEqual([without.status, withIt.status, syncs], [401, 202, ['api']]);
  });
});
