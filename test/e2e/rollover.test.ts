/**
 * A newer commit takes over a rollout in progress (Kubernetes' rollover): the fix of a commit
 * whose pods never become ready is rolled out at once, not after the bad commit's progress
 * deadline (600 s here); the interrupted commit is recorded `superseded`, and its pods are
 * old pods, replaced under the same rules.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL } from '../helpers/operator';
import { deployment } from './fixtures';

describe('e2e: a newer commit during a rollout that never gets ready', function () {
  this.timeout(90_000);
  const env = new E2EEnv('op-rollover');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  it('is rolled out at once; the stuck commit is superseded and its pods are gone', async () => {
    const repo = await makeRepo();
    const good = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2 }) }, 'web: v1');
    const instance = env.instance();
    const op = await env.start({ repo, instance, stateDir: await env.stateDir(), poll: NEVER_POLL });
    await op.waitFor(good, 'succeeded', 30_000);
    const stuck = await commitFiles(
      repo,
      { 'web.yaml': deployment({ replicas: 2, version: 'v2', readyAfter: 100_000, progressDeadlineSeconds: 600 }) },
      'web: v2 (never ready)',
    );
    await pollUntil(async () => ((await containersOf(env.runtime, instance)).some((c) => c.labels[LABEL.revision] === stuck) ? true : undefined), {
      timeoutMs: 20_000,
      what: 'a pod of the stuck commit',
    });
    const fix = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2, version: 'v3' }) }, 'web: v3 (the fix)');
    // The stuck commit's deadline is ten minutes away: only a takeover finishes within this.
    await op.waitFor(fix, 'succeeded', 30_000);
    const entry = (await op.revisions()).find((e) => e.sha === stuck);
    assert.equal(entry?.status, 'superseded');
    assert.match(entry?.reason ?? '', /superseded by .* during its rollout/);
    await pollUntil(async () => ((await containersOf(env.runtime, instance)).every((c) => c.labels[LABEL.revision] === fix) ? true : undefined), {
      timeoutMs: 20_000,
      what: 'only pods of the fix',
    });
  });
});
