/**
 * A rollout as it moves, on the dashboard in Chromium against `berth run` on a real engine:
 * the step it waits on, the bounds of its strategy, terminating pods with their seconds
 * counting down, the progress deadline counting down; and a failed rollout: the exit code,
 * reason and the container's last log lines on the revision, the rollback.
 */
import * as assert from 'node:assert/strict';
import { pollUntil } from '../../src/util/eventually';
import { openBrowser, type TestBrowser } from '../helpers/browser';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { E2EEnv, NEVER_POLL } from '../helpers/operator';
import { TEST_IMAGE } from '../helpers/testImage';
import { deployment } from './fixtures';

/** Two pods that ignore SIGTERM: each old pod stays terminating for its whole grace period (8 s). */
function slowToStop(version: string, readyAfter: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  progressDeadlineSeconds: 120
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 8
      containers:
        - name: main
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "trap '' TERM; sleep ${readyAfter}; touch /tmp/ready; while true; do sleep 1; done"]
          env: [{ name: VERSION, value: "${version}" }]
          readinessProbe: { exec: { command: [test, -f, /tmp/ready] }, periodSeconds: 1, failureThreshold: 1 }
`;
}

const W = '[data-workload="Deployment/default/web"]';

/** Polls a number read from the page until a smaller one than the first is seen: it counts down. */
async function countsDown(read: () => Promise<number | undefined>, what: string): Promise<[number, number]> {
  const first = await pollUntil(read, { timeoutMs: 20_000, what });
  const later = await pollUntil(
    async () => {
      const n = await read();
      return n !== undefined && n < first ? n : undefined;
    },
    { timeoutMs: 10_000, what: `${what}, counting down from ${first}` },
  );
  return [first, later];
}

describe('e2e: a rollout on the dashboard in Chromium', function () {
  this.timeout(120_000);
  const env = new E2EEnv('dash-roll');
  let browser: TestBrowser;
  before(async () => {
    await env.prepare();
    browser = await openBrowser();
  });
  after(() => browser?.close());
  afterEach(() => env.cleanup());

  it('the step it waits on, its bounds, terminating pods and the progress deadline counting down', async () => {
    const repo = await makeRepo();
    const v1 = await commitFiles(repo, { 'web.yaml': slowToStop('v1', 0) }, 'web: v1');
    const op = await env.start({ repo, instance: env.instance(), stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(v1, 'succeeded', 40_000);
    const page = await browser.page(`${op.url}/`);
    await page.locator(`${W} [data-pod]`).first().waitFor({ timeout: 15_000 });
    const v2 = await commitFiles(repo, { 'web.yaml': slowToStop('v2', 3) }, 'web: v2');

    const waiting = await pollUntil(async () => ((await page.locator(`${W} .waiting`).count()) > 0 ? page.locator(`${W} .waiting`).innerText() : undefined), {
      timeoutMs: 20_000,
      what: 'the step the rollout waits on',
    });
    assert.match(waiting, /^waiting: rolling update: .*wait for readiness/);
    const bounds = await page.locator(`${W} .bounds`).innerText();
    assert.match(bounds, /RollingUpdate \(maxSurge 1, maxUnavailable 0\)/);
    assert.match(bounds, /at most 3/);
    assert.match(bounds, /at least 2 available of 2/);
    const deadline = async () => {
      const d = page.locator(`${W} [data-deadline]`);
      return (await d.count()) > 0 ? Number(await d.getAttribute('data-deadline')) : undefined;
    };
    const [d1, d2] = await countsDown(deadline, 'the progress deadline on the page');
    assert.ok(d1 <= 120 && d2 < d1);
    const terminating = async () => {
      const t = page.locator(`${W} [data-pod].terminating .badge.terminating`).first();
      if ((await t.count()) === 0) return undefined;
      const m = /terminating · (\d+) s left/.exec(await t.innerText());
      return m ? Number(m[1]) : undefined;
    };
    const [t1, t2] = await countsDown(terminating, 'a terminating pod with its seconds left');
    assert.ok(t1 <= 8 && t2 < t1);
    await op.waitFor(v2, 'succeeded', 60_000);
    await page.close();
  });

  it('a failed rollout: the exit code, reason and last log lines of the container on the revision, rolled back', async () => {
    const repo = await makeRepo();
    const v1 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1 }) }, 'web: v1');
    const op = await env.start({ repo, instance: env.instance(), stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(v1, 'succeeded', 30_000);
    const page = await browser.page(`${op.url}/`);
    await page.locator(`${W} [data-pod]`).first().waitFor({ timeout: 15_000 });
    const v2 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1, crash: true, progressDeadlineSeconds: 15 }) }, 'web: v2 crashes');
    await op.waitFor(v2, 'failed', 60_000);
    // Why the head is not what runs, in words, at the top of the page.
    await page.locator('.summary', { hasText: `head ${v2.slice(0, 8)}` }).waitFor({ timeout: 15_000 });
    assert.match(await page.locator('.summary').innerText(), /failed/);
    await page.click('[data-tab="revisions"]');
    const details = page.locator(`tr[data-revision="${v2}"] + tr.details`);
    await details.waitFor({ timeout: 15_000 });
    const text = await details.innerText();
    assert.match(text, /exit code 3/);
    assert.match(text, /cannot open config/, 'the last log lines of the crashing container');
    assert.match(text, new RegExp(`rolled back to ${v1.slice(0, 8)}`));
    await page.close();
  });
});
