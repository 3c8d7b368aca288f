import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { Notifier, ownerRepoOf, parseNotifyTarget, SIGNATURE_HEADER, type OutcomeEvent } from '../../../src/notify';
import { DeliveryQueue } from '../../../src/notify/queue';
import { pollUntil } from '../../../src/util/eventually';
import { HttpRecorder } from '../../helpers/httpRecorder';

const SOURCE = { instance: 'prod', repo: 'https://git.example/team/app.git', branch: 'main' };
const REV = { sha: 'a'.repeat(40), subject: 'web: v2', author: 'Ada' };
const failed: OutcomeEvent = {
  type: 'revision',
  status: 'failed',
  revision: REV,
  reason: 'Deployment default/web is degraded',
  errors: ['web-1: exit code 3'],
  rollbackTo: 'b'.repeat(40),
};

const received = (s: HttpRecorder, n: number) =>
  pollUntil(() => (s.received.length >= n ? s.received : undefined), { timeoutMs: 10_000, what: `${n} request(s)` });

describe('notifications (a real HTTP server on loopback)', () => {
  let server: HttpRecorder;
  beforeEach(async () => {
    server = await HttpRecorder.start();
  });
  afterEach(() => server.close());

  it('posts each outcome as JSON with an HMAC-SHA256 signature of the body', async () => {
    const n = new Notifier({ source: SOURCE, targets: [parseNotifyTarget(server.url + '/hook')], secret: 's3cret', log: () => {} });
    n.notify(failed);
    n.notify({ type: 'drift-repaired', revision: REV, actions: 2, summary: ['create pod web-1'] });
    n.notify({ type: 'operator', status: 'stopped' });
    const [a, b, c] = await received(server, 3);
    const expected = `sha256=${createHmac('sha256', 's3cret').update(a!.body).digest('hex')}`;
    assert.equal(a!.headers[SIGNATURE_HEADER], expected);
    assert.equal(a!.headers['x-berth-event'], 'failed');
    assert.deepEqual(JSON.parse(a!.body), {
      event: 'failed',
      instance: 'prod',
      repo: SOURCE.repo,
      branch: 'main',
      at: JSON.parse(a!.body).at,
      revision: REV,
      reason: failed.type === 'revision' ? failed.reason : '',
      errors: ['web-1: exit code 3'],
      rollbackTo: 'b'.repeat(40),
    });
    assert.deepEqual([JSON.parse(b!.body).event, JSON.parse(b!.body).actions, JSON.parse(c!.body).event], ['drift-repaired', 2, 'stopped']);
  });

  it("slack:URL sends Slack's incoming-webhook shape", async () => {
    const n = new Notifier({ source: SOURCE, targets: [parseNotifyTarget(`slack:${server.url}/services/T/B/X`)], log: () => {} });
    n.notify(failed);
    const [r] = await received(server, 1);
    const body = JSON.parse(r!.body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ['text']);
    assert.match(body.text as string, /`aaaaaaaa` web: v2 \*failed\* on .*\n> Deployment default\/web is degraded\nrolled back to `bbbbbbbb`/);
    assert.equal(r!.url, '/services/T/B/X');
  });

  it('retries a 5xx answer with backoff until it is taken; a 4xx is not retried', async () => {
    server.respond = (r, i) => (r.url === '/gone' ? 404 : i < 2 ? 503 : 200);
    const logs: string[] = [];
    const q = new DeliveryQueue({ url: server.url + '/hook', name: 'test', firstBackoffMs: 20, log: (m) => logs.push(m) });
    q.push({ body: '{"n":1}', headers: {} });
    await received(server, 3);
    await q.drain(5000);
    assert.deepEqual(
      server.received.map((r) => r.body),
      ['{"n":1}', '{"n":1}', '{"n":1}'],
    );
    const gone = new DeliveryQueue({ url: server.url + '/gone', name: 'gone', firstBackoffMs: 20, log: (m) => logs.push(m) });
    gone.push({ body: '{}', headers: {} });
    await gone.drain(5000);
    assert.equal(server.received.filter((r) => r.url === '/gone').length, 1);
    assert.deepEqual(logs, ['notification not delivered']);
  });

  it('a receiver that does not answer never holds the caller; the queue is bounded (oldest dropped)', async () => {
    server.hold();
    const q = new DeliveryQueue({ url: server.url, name: 'slow', capacity: 3, log: () => {} });
    for (let i = 0; i < 10; i++) q.push({ body: String(i), headers: {} }); // returns at once, each time
    // One in flight (0), three waiting (7, 8, 9): six dropped.
    assert.equal(q.droppedCount(), 6);
    server.release();
    await received(server, 4);
    await q.drain(5000);
    assert.deepEqual(
      server.received.map((r) => r.body),
      ['0', '7', '8', '9'],
    );
  });

  it('commit statuses: GitHub shape, token, one state per outcome', async () => {
    const n = new Notifier({
      source: SOURCE,
      targets: [],
      commitStatus: { forge: 'github', api: server.url, owner: 'team', repo: 'app', token: 'tok-1' },
      log: () => {},
    });
    for (const status of ['applying', 'succeeded', 'rejected', 'superseded'] as const) n.notify({ type: 'revision', status, revision: REV });
    n.notify(failed);
    n.notify({ type: 'operator', status: 'started' }); // sets no status
    const got = await received(server, 5);
    await n.drain(5000);
    assert.equal(server.received.length, 5);
    assert.deepEqual(
      new Set(got.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)),
      new Set([`POST /repos/team/app/statuses/${REV.sha} token tok-1`]),
    );
    assert.deepEqual(
      server.json<{ state: string }>().map((b) => b.state),
      ['pending', 'success', 'failure', 'error', 'failure'],
    );
    assert.deepEqual(server.json()[4], {
      state: 'failure',
      description: 'berth: failed, rolled back to bbbbbbbb: Deployment default/web is degraded',
      context: 'berth/prod',
    });
  });

  it('commit statuses: Gitea under /api/v1', async () => {
    const n = new Notifier({
      source: SOURCE,
      targets: [],
      commitStatus: { forge: 'gitea', api: server.url, owner: 'team', repo: 'app', token: 't' },
      log: () => {},
    });
    n.notify({ type: 'revision', status: 'succeeded', revision: REV });
    assert.equal((await received(server, 1))[0]!.url, `/api/v1/repos/team/app/statuses/${REV.sha}`);
  });
});

describe('notification targets', () => {
  it('owner/repo from remote URLs', () => {
    const cases = [
      'https://github.com/team/app.git',
      'ssh://git@gitea.local:2222/team/app',
      'git@github.com:team/app.git',
      'https://gitea.local/sub/team/app/',
    ];
    assert.deepEqual(
      cases.map(ownerRepoOf),
      cases.map(() => ({ owner: 'team', repo: 'app' })),
    );
    assert.equal(ownerRepoOf('/srv/git/app'), undefined);
  });

  it('refuses what is not an http(s) URL, without echoing credentials', () => {
    assert.throws(
      () => parseNotifyTarget('ftp://u:pw@host/x'),
      (e: Error) => /not an http\(s\) URL/.test(e.message) && !e.message.includes('pw'),
    );
  });
});
