/**
 * A session of commits on one repository, as a reviewer later reads it: a good commit, an
 * invalid one (rejected: nothing on the engine changes, the FILE:LINE reason is in the
 * history, in the git note and in the status API; never retried), a good one, then two
 * commits pushed while berth was stopped (the older superseded, the newer applied).
 * `berth history` (text and JSON) tells that story without the logs.
 */
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { E2EEnv, historyText, NEVER_POLL, noteOf, runningIds, type OperatorProcess, settles } from '../helpers/operator';
import { deployment, invalidDeployment, invalidLine } from './fixtures';

const alice = { name: 'Alice Admin', email: 'alice@example.test' };
const bob = { name: 'Bob Builder', email: 'bob@example.test' };
const carol = { name: 'Carol Coder', email: 'carol@example.test' };

describe('e2e: a session of commits, told by berth history', function () {
  this.timeout(120_000);
  const env = new E2EEnv('op-story');
  before(() => env.prepare());
  after(() => env.cleanup());

  const instance = env.instance();
  let stateDir: string;
  let repo: string;
  let op: OperatorProcess;
  const sha: Record<string, string> = {};

  /** Asks for a pass through the API and waits until one more pass has finished. */
  async function syncAndWait(): Promise<void> {
    const passes = await op.metric('berth_pass_duration_seconds_count');
    assert.equal((await op.post('/api/v1/sync', '')).status, 202);
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), {
      timeoutMs: 15_000,
      what: 'a pass after POST /api/v1/sync',
    });
  }

  it('applies a good commit', async () => {
    repo = await makeRepo();
    stateDir = await env.stateDir();
    sha.good1 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2 }) }, 'web: two replicas', { author: alice });
    op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    const e = await op.waitFor(sha.good1, 'succeeded', 30_000);
    assert.ok((e.actions ?? 0) >= 2, `actions: ${e.actions}`);
  });

  it('rejects an invalid commit: containers untouched, FILE:LINE in history, note and status; not retried', async () => {
    const before = await runningIds(env.runtime, instance);
    assert.equal(before.length, 2);
    const bad = invalidDeployment();
    sha.bad = await commitFiles(repo, { 'web.yaml': bad }, 'web: three replicas (typo)', { author: bob });
    const e = await op.waitFor(sha.bad, 'rejected', 15_000);
    const located = new RegExp(`^web\\.yaml:${invalidLine(bad)}:\\d+: spec\\.replicas: `);
    assert.ok(
      e.errors?.some((x) => located.test(x)),
      `errors: ${JSON.stringify(e.errors)}`,
    );
    assert.match(e.reason ?? '', /validation error.*nothing was changed/);
    assert.equal(e.appliedAt, null, 'a rejected commit has no applied time');

    const note = (await noteOf(stateDir, sha.bad)) ?? '(no note)';
    assert.match(note, /^berth: rejected$/m);
    assert.match(note, new RegExp(`^  web\\.yaml:${invalidLine(bad)}:\\d+: spec\\.replicas: `, 'm'));

    const status = await pollUntil(
      async () => {
        const s = await op.status();
        return s.lastAttemptedRevision?.sha === sha.bad ? s : undefined;
      },
      { timeoutMs: 5000, what: 'the status API to show the rejected commit' },
    );
    assert.equal(status.lastAttemptedRevision?.status, 'rejected');
    assert.equal(status.lastAppliedRevision, sha.good1);

    // Another full pass on the same head: nothing recreated, the commit not tried again.
    await syncAndWait();
    assert.deepEqual(await runningIds(env.runtime, instance), before);
    const journal = (await readFile(join(stateDir, 'journal.jsonl'), 'utf8')).split('\n').filter((l) => l.includes(sha.bad));
    assert.equal(journal.length, 1, `the rejected commit was recorded more than once:\n${journal.join('\n')}`);
  });

  it('applies the next good commit', async () => {
    sha.good2 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2, version: 'v2' }) }, 'web: v2', { author: carol });
    const e = await op.waitFor(sha.good2, 'succeeded', 30_000);
    assert.ok((e.actions ?? 0) >= 4, `two pods replaced: ${e.actions} actions`);
  });

  it('supersedes a commit pushed while berth was stopped when a newer one follows it', async () => {
    const exit = await op.kill('SIGTERM');
    assert.equal(exit.code, 0, op.tail());
    sha.skipped = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 3, version: 'v2' }) }, 'web: three replicas', { author: alice });
    sha.good3 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1, version: 'v2' }) }, 'web: back to one replica', { author: bob });
    op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(sha.good3, 'succeeded', 30_000);
    const skipped = (await op.history()).find((x) => x.sha === sha.skipped);
    assert.equal(skipped?.status, 'superseded');
    assert.match(skipped?.reason ?? '', new RegExp(`superseded by ${sha.good3.slice(0, 8)}`));
    await settles(async () => (await runningIds(env.runtime, instance)).length, 1, 'one pod runs');
  });

  it('berth history tells the story, newest first', async () => {
    const entries = await op.history();
    const story = entries.map((x) => ({ sha: x.sha, author: x.author, subject: x.subject, status: x.status }));
    assert.deepEqual(story, [
      { sha: sha.good3, author: bob.name, subject: 'web: back to one replica', status: 'succeeded' },
      { sha: sha.skipped, author: alice.name, subject: 'web: three replicas', status: 'superseded' },
      { sha: sha.good2, author: carol.name, subject: 'web: v2', status: 'succeeded' },
      { sha: sha.bad, author: bob.name, subject: 'web: three replicas (typo)', status: 'rejected' },
      { sha: sha.good1, author: alice.name, subject: 'web: two replicas', status: 'succeeded' },
    ]);
    for (const x of entries) {
      const keys = ['sha', 'status', 'author', 'subject', 'appliedAt', 'errors'].filter((k) => !(k in x));
      assert.deepEqual(keys, [], `entry ${x.sha.slice(0, 8)} lacks fields`);
    }
    for (const x of entries.filter((e) => e.status === 'succeeded')) {
      assert.ok(x.appliedAt && x.committedAt && typeof x.actions === 'number', `succeeded entry lacks times or actions: ${JSON.stringify(x)}`);
      assert.deepEqual(x.errors, [], `succeeded entry with errors: ${JSON.stringify(x)}`);
    }

    const text = await historyText(instance, stateDir);
    if (process.env.E2E_SHOW) process.stdout.write(text);
    const lines = text.split('\n');
    assert.match(lines[0]!, /^REVISION\s+AUTHOR\s+COMMITTED\s+APPLIED\s+STATUS\s+ACTIONS\s+SUBJECT$/);
    const rowOf = (s: string) => lines.findIndex((l) => l.startsWith(s.slice(0, 7)));
    const row = (s: string) => lines[rowOf(s)] ?? '(missing)';
    assert.match(row(sha.good1), /Alice Admin\s+\S+ \S+Z\s+\S+ \S+Z\s+succeeded\s+\d+\s+web: two replicas$/);
    assert.match(row(sha.bad), /Bob Builder\s+\S+ \S+Z\s+-\s+rejected\s+-\s+web: three replicas \(typo\)$/);
    // Under the rejected row: why, and where.
    const under = lines.slice(rowOf(sha.bad) + 1, rowOf(sha.good1)).join('\n');
    assert.match(under, /^ {4}reason: .*validation error/m);
    assert.match(under, new RegExp(`^ {4}error: web\\.yaml:${invalidLine()}:\\d+: spec\\.replicas: invalid value "three": must be an integer`, 'm'));
    assert.match(lines.slice(rowOf(sha.skipped) + 1, rowOf(sha.good2)).join('\n'), new RegExp(`reason: superseded by ${sha.good3.slice(0, 8)}`));
    assert.ok(
      rowOf(sha.good3) < rowOf(sha.skipped) && rowOf(sha.skipped) < rowOf(sha.good2) && rowOf(sha.good2) < rowOf(sha.bad) && rowOf(sha.bad) < rowOf(sha.good1),
      text,
    );
  });
});
