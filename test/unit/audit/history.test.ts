import assert from 'node:assert/strict';
import { formatHistory, formatTime, printable } from '../../../src/audit/format';
import { lastGood, latestStatus, mergeRecords, toHistoryJson } from '../../../src/audit/history';
import { history } from '../../../src/audit/journal';
import type { RevisionRecord } from '../../../src/audit/types';
import { record, sha } from './fixtures';

const T = (s: number): string => `2024-05-01T12:00:${String(s).padStart(2, '0')}Z`;

describe('audit/history', () => {
  it('merges the records of a sha: latest status, startedAt kept from applying, appliedAt from the outcome', () => {
    const entries = mergeRecords([
      record('a', 'applying', { at: T(1), startedAt: T(1) }),
      record('a', 'succeeded', { at: T(9), appliedAt: T(9), actions: 3, summary: ['create web'] }),
    ]);
    assert.equal(entries.length, 1);
    const e = entries[0]!;
    assert.deepEqual(
      { status: e.status, startedAt: e.startedAt, appliedAt: e.appliedAt, at: e.at, firstAt: e.firstAt, actions: e.actions },
      { status: 'succeeded', startedAt: T(1), appliedAt: T(9), at: T(9), firstAt: T(1), actions: 3 },
    );
  });

  it('a limit counts only the entries of the instance asked for (a shared state directory)', async () => {
    const records = [
      record('a', 'succeeded', { at: T(1), instance: 'prod' }),
      record('b', 'succeeded', { at: T(2), instance: 'staging' }),
      record('c', 'succeeded', { at: T(3), instance: 'staging' }),
    ];
    const entries = await history({ read: async () => records }, { limit: 1, instance: 'prod' });
    assert.deepEqual(
      entries.map((e) => e.sha[0]),
      ['a'],
    );
  });

  it('orders by most recent record, newest first', () => {
    const entries = mergeRecords([
      record('a', 'applying', { at: T(1) }),
      record('b', 'superseded', { at: T(2) }),
      record('a', 'succeeded', { at: T(3) }),
      record('c', 'rejected', { at: T(4) }),
    ]);
    assert.deepEqual(
      entries.map((e) => `${e.sha[0]}:${e.status}`),
      ['c:rejected', 'a:succeeded', 'b:superseded'],
    );
  });

  it('a new attempt clears the outcome of the previous one', () => {
    const [e] = mergeRecords([
      record('a', 'failed', { at: T(1), errors: ['boom'], reason: 'crash loop', rollbackTo: sha('z') }),
      record('a', 'applying', { at: T(2), startedAt: T(2) }),
      record('a', 'succeeded', { at: T(3), actions: 1 }),
    ]);
    assert.equal(e!.status, 'succeeded');
    assert.equal(e!.errors, undefined);
    assert.equal(e!.reason, undefined);
    assert.equal(e!.rollbackTo, undefined);
    assert.equal(e!.actions, 1);
  });

  it('keeps the write-back of a failed revision recorded after the failure', () => {
    const [e] = mergeRecords([
      record('b', 'failed', { at: T(1), reason: 'readiness probe failed', rollbackTo: sha('a') }),
      record('b', 'failed', { at: T(2), revertSha: sha('r') }),
    ]);
    assert.deepEqual([e!.reason, e!.rollbackTo, e!.revertSha], ['readiness probe failed', sha('a'), sha('r')]);
  });

  const lastGoodTable: [string, RevisionRecord[], string | undefined][] = [
    ['empty journal', [], undefined],
    ['nothing succeeded', [record('a', 'rejected'), record('b', 'failed')], undefined],
    ['the newest success', [record('a', 'succeeded'), record('b', 'succeeded'), record('c', 'failed')], sha('b')],
    ['a failure after success disqualifies', [record('a', 'succeeded'), record('b', 'succeeded'), record('b', 'failed')], sha('a')],
    ['re-applied older commit (force push back) wins', [record('a', 'succeeded'), record('b', 'succeeded'), record('a', 'succeeded')], sha('a')],
    ['applying is not good yet', [record('a', 'succeeded'), record('b', 'applying')], sha('a')],
  ];
  for (const [name, records, expected] of lastGoodTable) {
    it(`lastGood: ${name}`, () => assert.equal(lastGood(records), expected));
  }

  it('latestStatus reads the last record of a sha', () => {
    const records = [record('a', 'applying'), record('b', 'superseded'), record('a', 'failed')];
    assert.equal(latestStatus(records, sha('a')), 'failed');
    assert.equal(latestStatus(records, sha('b')), 'superseded');
    assert.equal(latestStatus(records, sha('c')), undefined);
  });

  it('history() applies a limit over any journal-like source', async () => {
    const source = { read: async () => [record('a', 'succeeded'), record('b', 'succeeded'), record('c', 'rejected')] };
    assert.deepEqual(
      (await history(source, { limit: 2 })).map((e) => e.sha[0]),
      ['c', 'b'],
    );
    assert.equal((await history(source)).length, 3);
  });
});

describe('audit/formatHistory', () => {
  it('prints a table with reasons and errors under failed and rejected entries', () => {
    const v1 = { subject: 'web: v1' };
    const v2 = { author: 'Bob Builder', subject: 'web: v2' };
    const entries = mergeRecords([
      record('9d81e07b', 'applying', { ...v1, at: T(1), startedAt: T(1) }),
      record('9d81e07b', 'succeeded', { ...v1, at: T(5), appliedAt: '2024-05-01T12:00:01.500Z', actions: 2 }),
      record('3f2a9c10', 'applying', { ...v2, at: T(10), startedAt: T(10) }),
      record('3f2a9c10', 'failed', {
        ...v2,
        at: T(40),
        appliedAt: T(40),
        actions: 1,
        reason: 'readiness probe failed for 30s',
        errors: ['pod web-7c9-abc: exit code 1\nstderr: cannot bind :80'],
        rollbackTo: sha('9d81e07b'),
        revertSha: sha('5e5e5e5e'),
      }),
      record('77aa0001', 'rejected', {
        at: T(50),
        subject: 'db: typo',
        reason: 'validation failed',
        errors: ['deploy/db.yaml:3:5: spec.replicas: must be integer', 'deploy/db.yaml:9:1: kind: unknown kind "Deploymnt"'],
      }),
    ]);
    const expected = [
      'REVISION  AUTHOR       COMMITTED             APPLIED               STATUS     ACTIONS  SUBJECT',
      '77aa0001  Alice        2024-05-01 12:00:00Z  -                     rejected   -        db: typo',
      '    reason: validation failed',
      '    error: deploy/db.yaml:3:5: spec.replicas: must be integer',
      '    error: deploy/db.yaml:9:1: kind: unknown kind "Deploymnt"',
      '3f2a9c10  Bob Builder  2024-05-01 12:00:00Z  2024-05-01 12:00:40Z  failed     1        web: v2',
      '    reason: readiness probe failed for 30s',
      '    error: pod web-7c9-abc: exit code 1',
      '           stderr: cannot bind :80',
      '    rolled back to 9d81e07b',
      '    revert pushed: 5e5e5e5e',
      '9d81e07b  Alice        2024-05-01 12:00:00Z  2024-05-01 12:00:01Z  succeeded  2        web: v1',
      '',
    ].join('\n');
    assert.equal(formatHistory(entries), expected);
  });

  it('says so when there is nothing', () => {
    assert.equal(formatHistory([]), 'no revisions recorded yet\n');
  });

  it('neutralises terminal control sequences from commits', () => {
    const out = formatHistory([record('a', 'rejected', { subject: 'evil \u001b[2J\u001b]0;x\u0007', author: 'x\r\ny', reason: 'bad\u009b31m' })]);
    // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(out), JSON.stringify(out));
    assert.match(out, /evil \uFFFD\[2J/);
  });

  const times: [string | undefined, string][] = [
    [undefined, '-'],
    ['2024-05-01T14:00:00+02:00', '2024-05-01 12:00:00Z'],
    ['not a date', 'not a date'],
  ];
  for (const [input, out] of times) {
    it(`formatTime(${JSON.stringify(input)})`, () => assert.equal(formatTime(input), out));
  }

  it('printable keeps ordinary text, including non-ASCII', () => {
    assert.equal(printable('Zoë: ünïcode ✓'), 'Zoë: ünïcode ✓');
  });

  it('toHistoryJson always carries appliedAt (null when never applied) and errors (empty when none)', () => {
    const base = { sha: 'a'.repeat(40), author: 'A', subject: 's', committedAt: 't', at: 't', firstAt: 't', instance: 'i' };
    const rejected = toHistoryJson({ ...base, status: 'rejected', errors: ['web.yaml:5:13: spec.replicas: must be an integer'] });
    const succeeded = toHistoryJson({ ...base, status: 'succeeded', appliedAt: '2026-01-01T00:00:00Z', actions: 2 });
    assert.deepEqual(
      [rejected.appliedAt, rejected.errors, succeeded.appliedAt, succeeded.errors],
      [null, ['web.yaml:5:13: spec.replicas: must be an integer'], '2026-01-01T00:00:00Z', []],
    );
    assert.deepEqual(
      Object.keys(JSON.parse(JSON.stringify(succeeded)))
        .filter((k) => ['sha', 'status', 'author', 'subject', 'appliedAt', 'errors'].includes(k))
        .sort(),
      ['appliedAt', 'author', 'errors', 'sha', 'status', 'subject'],
    );
  });
});
