/**
 * The dashboard in Chromium against `berth run` on a real engine, continued: a pod's details
 * view (what `berth describe` computes: conditions, probes, the Services it is an endpoint
 * of, events as they happen), and the rollback button (refused without the API token; with
 * it, a revert commit pushed and rolled out).
 */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { openBrowser, screenshot, type TestBrowser } from '../helpers/browser';
import { commitAndPush, commitFiles, git, makeBareWithClone, makeRepo, tempDir } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL } from '../helpers/operator';
import { deployment } from './fixtures';

/** A port of the NodePort range nothing listens on now. */
async function freeNodePort(): Promise<number> {
  for (;;) {
    const port = 30000 + Math.floor(Math.random() * 2768);
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false));
      s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** A connection to the echo server through the node port, kept open once it has echoed a line. */
async function openEcho(port: number): Promise<net.Socket> {
  return pollUntil(
    () =>
      new Promise<net.Socket | undefined>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('error', () => resolve(undefined));
        s.once('data', () => resolve(s));
        s.once('close', () => resolve(undefined));
        s.write('hello\n');
      }),
    { timeoutMs: 15_000, what: `an echo through node port ${port}` },
  );
}

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080 }]
`;

describe('e2e: the dashboard in Chromium, pod details and rollback', function () {
  this.timeout(120_000);
  const env = new E2EEnv('dash-pod');
  let browser: TestBrowser;
  before(async () => {
    await env.prepare();
    browser = await openBrowser();
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(browser?.blocked ?? [], [], 'the page asked for something not served by berth');
  });
  afterEach(() => env.cleanup());

  it("a pod's details: Ready, its probe, the Service it is an endpoint of, its events; a probe that starts failing shows at once", async () => {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'web.yaml': deployment({ readyAfter: 1 }), 'svc.yaml': SERVICE }, 'web behind a Service');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    const page = await browser.page(`${op.url}/`);
    const button = page.locator('[data-workload="Deployment/default/web"] [data-describe]').first();
    const pod = (await button.getAttribute('data-describe', { timeout: 15_000 }))!;
    await button.click();
    const panel = page.locator(`[data-details="default/${pod}"]`);
    await panel.locator('[data-condition="Ready"][data-status="True"]').waitFor({ timeout: 15_000 });
    assert.match(await panel.locator('[data-endpoint-of]').innerText(), /^service\/web$/);
    assert.match(await panel.locator('[data-container="main"] .probe').innerText(), /readiness exec \[test -f \/tmp\/ready\]/);
    const reasons = async () => panel.locator('[data-event]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event')));
    const seen = await reasons();
    for (const r of ['Applied', 'Created', 'Started', 'Ready']) assert.ok(seen.includes(r), `no ${r} event in ${seen.join(', ')}`);
    // The same answer `berth describe` prints, beside the view.
    assert.match(
      await panel
        .locator('.describe-text')
        .textContent()
        .then((t) => t ?? ''),
      /^Endpoint of:\s+service\/web$/m,
    );
    await panel.locator('table.events').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-details');

    // The readiness probe starts failing: the view is fetched again when the server pushes the change.
    const [c] = (await containersOf(env.runtime, instance)).filter((x) => x.labels[LABEL.pod] === pod && x.labels[LABEL.container] === 'main');
    await env.runtime.exec(c!.id, ['rm', '/tmp/ready'], 5_000);
    await panel.locator('[data-condition="Ready"][data-status="False"]').waitFor({ timeout: 20_000 });
    await panel.locator('[data-event="Unhealthy"]').waitFor({ timeout: 5_000 });
    assert.match(await panel.locator('[data-event="Unhealthy"]').innerText(), /Readiness probe failed/);
    assert.match(await panel.locator('[data-container="main"] .probe .failing').innerText(), /fails/);
    await page.close();
  });

  it('its pause button: drift stays while self-heal is paused; resumed, it is repaired', async () => {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1 }) }, 'web');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(sha, 'succeeded', 30_000);
    const page = await browser.page(`${op.url}/`);
    await page.locator('[data-workload="Deployment/default/web"] [data-pod]').first().waitFor({ timeout: 15_000 });
    await page.click('[data-action="self-heal"]');
    await page.locator('.answer.ok').waitFor({ timeout: 5_000 });
    await page.locator('[data-action="self-heal"]', { hasText: 'Resume self-heal' }).waitFor({ timeout: 5_000 });
    assert.match(await page.locator('.actions').innerText(), /self-heal paused/);
    const [c] = await containersOf(env.runtime, instance);
    await env.runtime.removeContainer(c!.id);
    const passes = await op.metric('berth_pass_duration_seconds_count');
    await page.click('[data-action="sync"]');
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), { timeoutMs: 15_000, what: 'a pass' });
    await page.locator('[data-workload="Deployment/default/web"] [data-pod]').first().waitFor({ state: 'detached', timeout: 15_000 });
    assert.deepEqual(await containersOf(env.runtime, instance), [], 'drift was repaired while self-heal was paused');
    await page.click('[data-action="self-heal"]');
    await page.locator('[data-action="self-heal"]', { hasText: 'Pause self-heal' }).waitFor({ timeout: 5_000 });
    await page.locator('[data-workload="Deployment/default/web"] [data-pod]').first().waitFor({ timeout: 20_000 });
    assert.ok((await containersOf(env.runtime, instance)).some((x) => x.state === 'running'));
    await page.close();
  });

  it("a Service's endpoints with the connections open through berth's proxy", async () => {
    const nodePort = await freeNodePort();
    const echo = deployment({ replicas: 1 }).replace(/command: \[sh, -c, ".*"\]/, 'command: [nc, -ll, -p, "8080", -e, cat]');
    const svc = `apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: 8080, nodePort: ${nodePort} }]
`;
    const repo = await makeRepo();
    const sha = await commitFiles(repo, { 'web.yaml': echo, 'svc.yaml': svc }, 'an echo server behind a NodePort');
    const op = await env.start({ repo, instance: env.instance(), stateDir: await env.stateDir(), poll: NEVER_POLL, extra: ['--proxy-mode', 'userspace'] });
    await op.waitFor(sha, 'succeeded', 30_000);
    const page = await browser.page(`${op.url}/`);
    const endpoint = page.locator('[data-service="default/web"] [data-endpoint]').first();
    await endpoint.waitFor({ timeout: 15_000 });
    // Two connections held open, each answered once (the echo went through).
    const sockets = await Promise.all([openEcho(nodePort), openEcho(nodePort)]);
    try {
      await page.locator('[data-service="default/web"] [data-endpoint]', { hasText: '2 open connection(s)' }).waitFor({ timeout: 20_000 });
      assert.match(await endpoint.innerText(), /ready/);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
    await page.locator('[data-service="default/web"] [data-endpoint]', { hasText: '0 open connection(s)' }).waitFor({ timeout: 20_000 });
    await page.close();
  });

  it('its rollback button: refused without the token (nothing pushed); with it, a revert commit on the branch, then rolled out', async () => {
    const dir = await tempDir('berth-token-');
    const token = 'test-token-rollback-0123456789';
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/token`, `${token}\n`);
    const { origin, clone, sha: v1 } = await makeBareWithClone({ files: { 'web.yaml': deployment({ replicas: 1 }) }, message: 'web: v1' });
    const instance = env.instance();
    const op = await env.start({
      repo: origin,
      instance,
      stateDir: await env.stateDir(),
      poll: NEVER_POLL,
      extra: ['--write-back', '--api-token-file', `${dir}/token`],
    });
    await op.waitFor(v1!, 'succeeded', 30_000);
    const hashes = async () =>
      [...new Set((await containersOf(env.runtime, instance)).filter((c) => c.state === 'running').map((c) => c.labels[LABEL.specHash]!))].join();
    const v1Hash = await hashes();
    const v2 = await commitAndPush(clone, { 'web.yaml': deployment({ replicas: 1, version: 'v2' }) }, 'web: v2');
    await op.post('/api/v1/sync', '', { authorization: `Bearer ${token}` });
    await op.waitFor(v2, 'succeeded', 30_000);

    const page = await browser.page(`${op.url}/`);
    await page.click('[data-tab="revisions"]');
    const rollBackTo = async () => {
      const row = page.locator(`tr[data-revision="${v1}"] ~ tr.rollback`).first();
      await row.locator('button.link').first().click({ timeout: 10_000 });
      await row.locator('button', { hasText: 'Deployment web' }).click();
    };
    await rollBackTo();
    const refused = page.locator('.answer.refused');
    await refused.waitFor({ timeout: 5_000 });
    assert.equal(await refused.getAttribute('data-answer-status'), '401');
    assert.equal((await git(origin, 'rev-parse', 'refs/heads/main')).trim(), v2, 'a refused rollback pushed a commit');

    await page.fill('[data-token-input]', token);
    await rollBackTo();
    await page.locator('.answer.ok').waitFor({ timeout: 15_000 });
    const head = (await git(origin, 'rev-parse', 'refs/heads/main')).trim();
    assert.notEqual(head, v2);
    assert.match(await git(origin, 'log', '-1', '--format=%B', head), /Berth-Undo-Of: /);
    await op.waitFor(head, 'succeeded', 30_000);
    await pollUntil(async () => ((await hashes()) === v1Hash ? true : undefined), { timeoutMs: 20_000, what: "v1's template running again" });
    // The revert commit is on the page, running.
    await page.locator(`tr[data-revision="${head}"] .tag`, { hasText: 'running' }).waitFor({ timeout: 15_000 });
    await page.close();
  });
});
