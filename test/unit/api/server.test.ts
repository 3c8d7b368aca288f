import { strict as assert } from 'node:assert';
import { MAX_WEBHOOK_BODY, parseListen, startApiServer, type ApiDeps, type ApiServer } from '../../../src/api/server';

function deps(over: Partial<ApiDeps> = {}): ApiDeps & { syncs: string[] } {
  const syncs: string[] = [];
  return {
    syncs,
    status: () => ({ instance: 't', source: { repo: 'r', branch: 'main', path: '.' }, phase: 'idle', resources: [] }),
    revisions: async (limit) => [{ sha: 'a'.repeat(40), limit }],
    requestSync: (reason) => syncs.push(reason),
    verifyWebhook: (headers) => (headers['x-test-sig'] === 'good' ? { ok: true } : { ok: false, reason: 'bad signature' }),
    ready: () => true,
    metrics: async () => ({ contentType: 'text/plain', body: 'berth_up 1\n' }),
    ...over,
  };
}

describe('api server', () => {
  let api: ApiServer;
  let d: ReturnType<typeof deps>;
  beforeEach(async () => {
    d = deps();
    api = await startApiServer('127.0.0.1:0', d);
  });
  afterEach(() => api.close());

  it('answers health, status and revisions', async () => {
    const codes = await Promise.all(['/healthz', '/readyz', '/api/v1/status'].map(async (p) => (await fetch(api.url + p)).status));
    assert.deepEqual(codes, [200, 200, 200]);
    const revs = (await (await fetch(api.url + '/api/v1/revisions?limit=3')).json()) as { limit: number }[];
    assert.equal(revs[0].limit, 3);
  });

  it('readyz is 503 until the loop is ready', async () => {
    const notReady = await startApiServer('127.0.0.1:0', deps({ ready: () => false }));
    try {
      assert.equal((await fetch(notReady.url + '/readyz')).status, 503);
    } finally {
      await notReady.close();
    }
  });

  it('POST /api/v1/sync requests a pass', async () => {
    const r = await fetch(api.url + '/api/v1/sync', { method: 'POST' });
    assert.deepEqual([r.status, d.syncs], [202, ['api']]);
  });

  it('webhook with a good signature triggers a sync', async () => {
    const r = await fetch(api.url + '/hooks/git', { method: 'POST', headers: { 'x-test-sig': 'good' }, body: '{}' });
    assert.deepEqual([r.status, d.syncs], [202, ['webhook']]);
  });

  it('webhook with a bad signature is 401 and triggers nothing', async () => {
    const r = await fetch(api.url + '/hooks/git', { method: 'POST', headers: { 'x-test-sig': 'bad' }, body: '{}' });
    assert.deepEqual([r.status, d.syncs], [401, []]);
  });

  it('webhook bodies over 1 MiB are refused and trigger nothing', async () => {
    const r = await fetch(api.url + '/hooks/git', { method: 'POST', headers: { 'x-test-sig': 'good' }, body: 'x'.repeat(MAX_WEBHOOK_BODY + 1) });
    assert.deepEqual([r.status, d.syncs], [413, []]);
  });

  it('serves metrics and the dashboard', async () => {
    assert.equal(await (await fetch(api.url + '/metrics')).text(), 'berth_up 1\n');
    assert.match(await (await fetch(api.url + '/')).text(), /<title>berth<\/title>/);
  });

  it('parses listen addresses', () => {
    assert.deepEqual(
      [parseListen('127.0.0.1:7070'), parseListen(':80'), parseListen('[::1]:9')],
      [
        { host: '127.0.0.1', port: 7070 },
        { host: '0.0.0.0', port: 80 },
        { host: '::1', port: 9 },
      ],
    );
    assert.throws(() => parseListen('7070'), /invalid --listen/);
  });
});
