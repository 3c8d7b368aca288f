/**
 * A push webhook makes berth fetch at once. The repository is served over HTTP (nothing on
 * this machine can watch it) and the poll never fires, so nothing else could: a GitHub delivery with a good `X-Hub-Signature-256` brings the pushed commit in;
 * bad, malformed or missing signatures get 401 and trigger nothing; bodies over 1 MiB are
 * refused (413) whether their length is declared or streamed.
 */
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import { sleep } from '../../src/util/eventually';
import { commitAndPush, makeBareWithClone, serveGitHttp, type GitHttpServer } from '../helpers/gitRepo';
import { E2EEnv, NEVER_POLL, type OperatorProcess } from '../helpers/operator';
import { deployment } from './fixtures';

const SECRET = 'e2e-webhook-secret';
const MiB = 1024 * 1024;

const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const pushEvent = (sha: string) => Buffer.from(JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'team/deploy' } }));

/** POST through node:http, so a server that answers early and closes is still read. */
function post(url: string, body: Buffer, headers: Record<string, string>, opts: { chunked?: boolean } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers } }, (res) => {
      res.resume();
      status = res.statusCode ?? 0;
      resolve(status);
    });
    // A server that refuses a body may close while we still write: an error after the answer is fine.
    req.on('error', (err) => (status === undefined ? reject(err) : undefined));
    if (!opts.chunked) {
      req.setHeader('content-length', body.length);
      req.end(body);
      return;
    }
    // Streamed without a declared length, in 64 KiB pieces; the server may cut us off.
    let at = 0;
    const more = () => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 64 * 1024);
        at += piece.length;
        if (!req.write(piece)) return void req.once('drain', more);
      }
      req.end();
    };
    more();
  });
}

describe('e2e: the git webhook', function () {
  this.timeout(60_000);
  const env = new E2EEnv('op-hook');
  before(() => env.prepare());
  let server: GitHttpServer | undefined;
  after(async () => {
    await server?.close();
    await env.cleanup();
  });

  let op: OperatorProcess;
  let clone: string;
  let pushed: string;
  const hook = () => `${op.url}/hooks/git`;
  const passes = () => op.metric('berth_pass_duration_seconds_count');

  before(async () => {
    const bare = await makeBareWithClone({ files: { 'web.yaml': deployment({ version: 'v1' }) } });
    clone = bare.clone;
    server = await serveGitHttp(bare.origin);
    const instance = env.instance();
    op = await env.start({ repo: server.url, instance, stateDir: await env.stateDir(), poll: NEVER_POLL, extra: ['--webhook-secret', SECRET] });
    await op.waitFor(bare.sha!, 'succeeded', 30_000);
    pushed = await commitAndPush(clone, { 'web.yaml': deployment({ version: 'v2' }) }, 'web: v2');
  });

  const REFUSED: { name: string; status: number; send: () => Promise<number> }[] = [
    {
      name: 'a signature made with another secret',
      status: 401,
      send: () => post(hook(), pushEvent(pushed), { 'x-hub-signature-256': sign(pushEvent(pushed), 'wrong') }),
    },
    { name: 'a signature of another body', status: 401, send: () => post(hook(), pushEvent(pushed), { 'x-hub-signature-256': sign('{}') }) },
    { name: 'a malformed signature', status: 401, send: () => post(hook(), pushEvent(pushed), { 'x-hub-signature-256': 'sha256=zz' }) },
    { name: 'no signature at all', status: 401, send: () => post(hook(), pushEvent(pushed), {}) },
    { name: 'a wrong GitLab token', status: 401, send: () => post(hook(), pushEvent(pushed), { 'x-gitlab-token': 'guess' }) },
    {
      name: 'a correctly signed body over 1 MiB, length declared',
      status: 413,
      send: () => {
        const big = Buffer.alloc(MiB + 1, 0x20);
        return post(hook(), big, { 'x-hub-signature-256': sign(big) });
      },
    },
    {
      name: 'a correctly signed body over 1 MiB, streamed',
      status: 413,
      send: () => {
        const big = Buffer.alloc(2 * MiB, 0x20);
        return post(hook(), big, { 'x-hub-signature-256': sign(big) }, { chunked: true });
      },
    },
  ];

  for (const r of REFUSED) {
    it(`refuses ${r.name} (${r.status}) and triggers nothing`, async () => {
      const before = await passes();
      const fetches = server!.requests.length;
      assert.equal(await r.send(), r.status);
      // Nothing else can start a pass here (no watch, no poll, no resync, no engine event):
      // a pass or a fetch the request triggered would show within this time.
      await sleep(300);
      assert.equal(await passes(), before, 'a pass ran after a refused delivery');
      assert.deepEqual(server!.requests.slice(fetches), [], 'berth fetched after a refused delivery');
      assert.equal(
        (await op.revisions()).find((e) => e.sha === pushed),
        undefined,
        `the pushed commit was fetched:\n${op.tail()}`,
      );
    });
  }

  it('a good signature triggers a fetch: the pushed commit is applied', async () => {
    const body = pushEvent(pushed);
    const fetches = server!.requests.length;
    assert.equal(await post(hook(), body, { 'x-hub-signature-256': sign(body) }), 202);
    await op.waitFor(pushed, 'succeeded', 15_000);
    assert.ok(
      server!.requests.slice(fetches).some((r) => r.startsWith('/repo.git/info/refs')),
      'no fetch from the repository',
    );
  });

  it('the server still answers after the refused deliveries', async () => {
    assert.equal((await op.get('/healthz')).status, 200);
    assert.equal((await op.get('/readyz')).status, 200);
  });
});
