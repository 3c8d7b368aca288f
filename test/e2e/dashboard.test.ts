/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against
 * `berth run` on a real repository and engine: the tree follows a rollout as it moves, a
 * rejected commit shows FILE:LINE, the sync button starts a pass, a Secret's value is never
 * on the page nor in any answer.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { E2EEnv, NEVER_POLL, type OperatorProcess } from '../helpers/operator';
import { openBrowser, screenshot, type TestBrowser } from '../helpers/browser';
import { pollUntil } from '../../src/util/eventually';
import { deployment, invalidDeployment, invalidLine } from './fixtures';
import { TEST_IMAGE } from '../helpers/testImage';
import { engineArgs, runCli } from '../helpers/cli';

const PLANTED = 'planted-S3cret-value-9f2e';

/** A Secret used by a Deployment behind a Service: keys must show, the value never. */
function withSecret(): string {
  return `apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData: { password: "${PLANTED}" }
---
apiVersion: v1
kind: Service
metadata: { name: api }
spec:
  selector: { app: api }
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "echo started with $PASSWORD; trap 'exit 0' TERM; sleep 100000 & wait"]
          env:
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: creds, key: password } }
`;
}

/** The pod names under each template of a workload, as the page shows them. */
async function podsPerTemplate(page: Page, workload: string): Promise<Record<string, string[]>> {
  return page.$$eval(`[data-workload="${workload}"] [data-template]`, (els) =>
    Object.fromEntries(
      els.map((t) => [
        `${t.getAttribute('data-template')}${t.classList.contains('current') ? '*' : ''}`,
        [...t.querySelectorAll('[data-pod]')].filter((p) => !p.classList.contains('terminating')).map((p) => p.getAttribute('data-pod')!),
      ]),
    ),
  );
}

describe('e2e: the dashboard in Chromium', function () {
  this.timeout(120_000);
  const env = new E2EEnv('dash');
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

  async function operator(files: Record<string, string>, extra: string[] = []): Promise<{ repo: string; op: OperatorProcess; sha: string }> {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, files, 'first');
    const op = await env.start({ repo, instance: env.instance(), stateDir: await env.stateDir(), poll: NEVER_POLL, extra });
    await op.waitFor(sha, 'succeeded', 30_000);
    return { repo, op, sha };
  }

  it('shows the pods of a live rollout per template, and they change as it moves', async () => {
    const { repo, op } = await operator({ 'web.yaml': deployment({ replicas: 2 }) });
    const page = await browser.page(`${op.url}/`);
    const w = 'Deployment/default/web';
    const first = await pollUntil(
      async () => {
        const t = await podsPerTemplate(page, w);
        const pods = Object.values(t).flat();
        return pods.length === 2 && Object.keys(t).length === 1 ? t : undefined;
      },
      { timeoutMs: 15_000, what: 'two pods of one template on the page' },
    );
    const oldHash = Object.keys(first)[0]!.replace('*', '');
    // v2 becomes ready only after 3 s per pod, one pod at a time: the page must show both templates at once.
    const v2 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2, version: 'v2', readyAfter: 3 }) }, 'web: v2');
    const during = await pollUntil(
      async () => {
        const t = await podsPerTemplate(page, w);
        const current = Object.entries(t).find(([k]) => k.endsWith('*'));
        return current && current[0] !== `${oldHash}*` && current[1].length > 0 && (t[oldHash]?.length ?? 0) > 0 ? t : undefined;
      },
      { timeoutMs: 20_000, what: 'old and new template side by side on the page' },
    );
    assert.ok(Object.keys(during).length >= 2);
    await screenshot(page, 'dashboard-rollout');
    await op.waitFor(v2, 'succeeded', 40_000);
    const after = await pollUntil(
      async () => {
        const t = await podsPerTemplate(page, w);
        const entries = Object.entries(t).filter(([, pods]) => pods.length > 0);
        return entries.length === 1 && entries[0]![0].endsWith('*') && entries[0]![1].length === 2 ? t : undefined;
      },
      { timeoutMs: 20_000, what: 'only the new template, two pods, on the page' },
    );
    assert.ok(!Object.keys(after).some((k) => k.startsWith(oldHash) && (after[k]?.length ?? 0) > 0));
    await page.close();
  });

  it('shows a rejected commit with FILE:LINE, and its sync button starts a pass', async () => {
    const { repo, op } = await operator({ 'web.yaml': deployment() });
    const bad = await commitFiles(repo, { 'web.yaml': invalidDeployment() }, 'web: three replicas');
    await op.waitFor(bad, 'rejected', 20_000);
    const page = await browser.page(`${op.url}/`);
    await page.click('[data-tab="revisions"]');
    const row = page.locator(`tr.details`).first();
    await row.waitFor({ timeout: 10_000 });
    assert.match(await page.locator('table.revisions').innerText(), new RegExp(`web\\.yaml:${invalidLine()}:\\d+`));
    await screenshot(page, 'dashboard-rejected');
    const passes = await op.metric('berth_pass_duration_seconds_count');
    await page.click('[data-action="sync"]');
    await page.locator('.answer.ok').waitFor({ timeout: 5_000 });
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), {
      timeoutMs: 15_000,
      what: 'a pass after the sync button',
    });
    await page.close();
  });

  it('refuses an action without the token, and takes it with the token', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/berth-token-');
    const token = 'test-token-0123456789abcdef';
    await writeFile(`${dir}/token`, `${token}\n`);
    const { op } = await operator({ 'web.yaml': deployment() }, ['--api-token-file', `${dir}/token`]);
    const page = await browser.page(`${op.url}/`);
    const passes = await op.metric('berth_pass_duration_seconds_count');
    await page.click('[data-action="sync"]');
    const refused = page.locator('.answer.refused');
    await refused.waitFor({ timeout: 5_000 });
    assert.match(await refused.innerText(), /needs the API token/);
    assert.equal(await refused.getAttribute('data-answer-status'), '401');
    assert.equal((await op.post('/api/v1/sync', '')).status, 401);
    assert.equal((await op.post('/api/v1/sync', '{}', { authorization: `Bearer ${token}`, origin: 'http://evil.example' })).status, 403);
    assert.equal(await op.metric('berth_pass_duration_seconds_count'), passes, 'a refused action started a pass');
    await page.fill('[data-token-input]', token);
    await page.click('[data-action="sync"]');
    await page.locator('.answer.ok').waitFor({ timeout: 5_000 });
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), {
      timeoutMs: 15_000,
      what: 'a pass after the sync with the token',
    });
    await page.close();
  });

  it('its restart button replaces the pods under a new template, shown as it happens', async () => {
    const { op } = await operator({ 'web.yaml': deployment({ replicas: 1 }) });
    const page = await browser.page(`${op.url}/`);
    const w = 'Deployment/default/web';
    const before = await pollUntil(
      async () => {
        const t = Object.keys(await podsPerTemplate(page, w));
        return t.length === 1 ? t[0] : undefined;
      },
      { timeoutMs: 15_000, what: 'one template on the page' },
    );
    await page.click(`[data-workload="${w}"] [data-restart]`);
    await page.locator('.answer.ok').waitFor({ timeout: 5_000 });
    await pollUntil(
      async () => {
        const t = Object.entries(await podsPerTemplate(page, w)).filter(([, pods]) => pods.length > 0);
        return t.length === 1 && t[0]![0] !== before && t[0]![0].endsWith('*') ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the pod replaced under a new declared template' },
    );
    assert.match(await page.locator(`[data-workload="${w}"]`).innerText(), /restarted at/);
    await page.close();
  });

  it("follows a pod's logs and a workload's merged logs as they are written", async () => {
    const talker = deployment({ name: 'talk', replicas: 2 }).replace(
      /command: \[sh, -c, ".*"\]/,
      'command: [sh, -c, "trap \'exit 0\' TERM; i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done"]',
    );
    const { op } = await operator({ 'talk.yaml': talker });
    const page = await browser.page(`${op.url}/`);
    const first = page.locator('[data-workload="Deployment/default/talk"] [data-pod] a').first();
    const pod = (await first.innerText({ timeout: 15_000 })).trim();
    await first.click();
    const panel = page.locator(`[data-logs="pod/${pod}"]`);
    const ticks = async () => [...(await panel.locator('pre').innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    const seen = await pollUntil(async () => ((await ticks()).length >= 1 ? await ticks() : undefined), { timeoutMs: 15_000, what: 'log lines in the panel' });
    await pollUntil(async () => (Math.max(...(await ticks())) > Math.max(...seen) ? true : undefined), { timeoutMs: 15_000, what: 'a newer line followed' });
    await page.click('[data-workload="Deployment/default/talk"] button.link');
    const merged = page.locator('[data-logs="deployment/talk"] pre');
    await pollUntil(async () => (new Set([...(await merged.innerText()).matchAll(/(talk-\S+) main/g)].map((m) => m[1])).size === 2 ? true : undefined), {
      timeoutMs: 15_000,
      what: 'lines of both pods, prefixed with the pod',
    });
    await screenshot(page, 'dashboard-logs');
    await page.close();
  });

  it('never shows a Secret value: not on the page, not in any answer', async () => {
    const { op } = await operator({ 'api.yaml': withSecret() });
    const page = await browser.page(`${op.url}/`);
    await page.locator('[data-config="Secret/default/creds"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-endpoint]').first().waitFor({ timeout: 15_000 });
    assert.match(await page.locator('[data-config="Secret/default/creds"]').innerText(), /password/);
    // The pods that use it.
    assert.match(await page.locator('[data-config="Secret/default/creds"]').innerText(), /pods: api-\S+/);
    // The engine's stats reach the page (sampled every 5 s): CPU and memory beside the container.
    assert.match(await page.locator('[data-usage]').first().innerText({ timeout: 20_000 }), /cpu \d+m\s+mem \d/);
    // Its small history graph grows a point at each sample.
    const points = async () =>
      ((await page.locator('[data-usage] svg.spark polyline').first().getAttribute('points')) ?? '').trim().split(/\s+/).filter(Boolean).length;
    await pollUntil(async () => ((await points()) >= 2 ? true : undefined), { timeoutMs: 20_000, what: 'two samples in the history graph' });
    await screenshot(page, 'dashboard-tree');
    const b64 = Buffer.from(PLANTED).toString('base64');
    const texts = [await page.content(), await page.innerText('body')];
    await page.locator('[data-workload="Deployment/default/api"] [data-pod] a').first().click();
    await page.locator('[data-logs] pre div').first().waitFor({ timeout: 15_000 });
    texts.push(await page.locator('[data-logs]').innerText());
    const pod = await page.locator('[data-workload="Deployment/default/api"] [data-describe]').first().getAttribute('data-describe');
    await page.click(`[data-describe="${pod}"]`);
    await page.locator('[data-details] [data-event]').first().waitFor({ timeout: 15_000 });
    texts.push(await page.locator('[data-details]').innerText());
    await page.click('[data-tab="revisions"]');
    texts.push(await page.content());
    for (const p of ['/', '/assets/app.js', '/api/v1/view', '/api/v1/status', '/api/v1/revisions', '/metrics', `/api/v1/describe?kind=Pod&name=${pod}`])
      texts.push(await (await fetch(op.url + p)).text());
    texts.push(await firstEvent(`${op.url}/api/v1/events`));
    // berth logs scrubs as the API does, with the values of the commit the pods carry (berth's clone).
    const cli = await runCli(engineArgs(['logs', 'deployment/api'], op.args.instance, op.args.stateDir));
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /started with \(secret\)$/m);
    texts.push(cli.stdout, cli.stderr);
    for (const t of texts) {
      assert.ok(!t.includes(PLANTED), 'the Secret value is shown');
      assert.ok(!t.includes(b64), 'the Secret value is shown base64-encoded');
    }
    await page.close();
  });
});

/** The first `snapshot` event of an SSE stream. */
async function firstEvent(url: string): Promise<string> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('event: snapshot')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  while (!/event: snapshot\ndata: .*\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  ac.abort();
  return text;
}
