/**
 * A commit that validates but crash-loops: failed, never retried, and either rolled back to
 * the last good revision (the default: the old pods were kept throughout and still run, the
 * new one is gone) or, with --no-auto-rollback, left in place until the next commit (later
 * passes must not quietly roll it back through self-heal). Either way the next good commit
 * is applied.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL, noteOf, runningIds, type OperatorProcess, settles } from '../helpers/operator';
import { deployment } from './fixtures';

describe('e2e: a commit that fails to come up', function () {
  this.timeout(90_000);
  const env = new E2EEnv('op-fail');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  async function syncAndWait(op: OperatorProcess): Promise<void> {
    const passes = await op.metric('berth_pass_duration_seconds_count');
    assert.equal((await op.post('/api/v1/sync', '')).status, 202);
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), { timeoutMs: 15_000, what: 'a pass' });
  }

  async function session(extra: string[]) {
    const repo = await makeRepo();
    const good = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2 }) }, 'web: v1');
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL, extra });
    await op.waitFor(good, 'succeeded', 30_000);
    const before = await runningIds(env.runtime, instance);
    const bad = await commitFiles(
      repo,
      { 'web.yaml': deployment({ replicas: 2, version: 'v2', crash: true, progressDeadlineSeconds: 10 }) },
      'web: v2 (crashes)',
    );
    const entry = await op.waitFor(bad, 'failed', 40_000);
    // Two more passes: the failed commit is not tried again.
    await syncAndWait(op);
    await syncAndWait(op);
    const attempts = (await readFile(join(stateDir, 'journal.jsonl'), 'utf8')).split('\n').filter((l) => l.includes(bad) && l.includes('"applying"'));
    assert.equal(attempts.length, 1, 'the failed commit was attempted again');
    const badPods = (await containersOf(env.runtime, instance)).filter((c) => c.labels[LABEL.revision] === bad);
    return { repo, instance, stateDir, op, good, bad, entry, before, badPods };
  }

  async function nextGoodCommit(s: Awaited<ReturnType<typeof session>>) {
    const next = await commitFiles(s.repo, { 'web.yaml': deployment({ replicas: 1, version: 'v3' }) }, 'web: v3');
    await s.op.waitFor(next, 'succeeded', 30_000);
    await settles(
      async () => (await containersOf(env.runtime, s.instance)).map((c) => `${c.labels[LABEL.revision]}:${c.state}`),
      [`${next}:running`],
      'only the pod of the next commit',
    );
  }

  it('is rolled back by default: old pods kept and running, the new one gone, the reason recorded', async () => {
    const s = await session([]);
    assert.equal(s.entry.rollbackTo, s.good);
    assert.match(s.entry.reason ?? '', /Deployment default\/web/);
    assert.match([s.entry.reason, ...(s.entry.errors ?? [])].join('\n'), /exit code 3|cannot open config/);
    assert.deepEqual(s.badPods, []);
    assert.deepEqual(await runningIds(env.runtime, s.instance), s.before, 'the old pods were replaced');
    const note = (await noteOf(s.stateDir, s.bad)) ?? '(no note)';
    assert.match(note, /^berth: failed$/m);
    assert.match(note, new RegExp(`^rolled back to: ${s.good}$`, 'm'));
    assert.equal((await s.op.status()).lastAppliedRevision, s.good);
    await nextGoodCommit(s);
  });

  it('with --no-auto-rollback stays in place until the next commit; later passes do not roll it back', async () => {
    const s = await session(['--no-auto-rollback']);
    assert.equal(s.entry.rollbackTo, undefined);
    assert.match(s.entry.reason ?? '', /automatic rollback is off/);
    assert.equal(s.badPods.length, 1, 'the failed pod was removed (rolled back) by a later pass');
    assert.deepEqual(await runningIds(env.runtime, s.instance, 'web').then((ids) => ids.filter((x) => s.before.includes(x))), s.before);
    await nextGoodCommit(s);
  });
});
