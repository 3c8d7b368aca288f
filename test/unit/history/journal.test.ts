import assert from 'node:assert/strict';
import { Journal } from '../../../src/audit';
import type { RevisionRecord } from '../../../src/audit/types';
import { readJournal } from '../../../src/history/journal';
import { checkServerUrl, operatorViewOf } from '../../../src/history/operator';
import type { StatusSnapshot } from '../../../src/api/types';
import { isBerthError } from '../../../src/util/errors';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';
import { sha } from './fixtures';

const rec = (s: string, status: RevisionRecord['status'], instance = 'a'): RevisionRecord => ({
  sha: sha(s),
  author: 'x',
  subject: s,
  committedAt: '2024-01-01T00:00:00Z',
  status,
  at: '2024-01-01T00:00:00Z',
  instance,
});

describe('history/readJournal', () => {
  after(cleanupTemp);

  it("one instance's statuses, last good and last attempted", async () => {
    const dir = await tempDir('berth-journal-');
    const j = new Journal(dir);
    for (const r of [
      rec('c1', 'applying'),
      rec('c1', 'succeeded'),
      rec('c2', 'applying'),
      rec('c2', 'failed'),
      rec('c3', 'succeeded', 'b'),
      rec('c4', 'applying'),
    ])
      await j.append(r);
    const v = await readJournal(dir, 'a');
    assert.equal(v.statusOf(sha('c1')), 'succeeded');
    assert.equal(v.statusOf(sha('c2')), 'failed');
    assert.equal(v.statusOf(sha('c3')), undefined, "another instance's record");
    assert.equal(v.lastGood, sha('c1'));
    assert.equal(v.lastAttempted?.sha, sha('c4'));
  });

  it('no journal yet: nothing known', async () => {
    const v = await readJournal(await tempDir('berth-journal-'), 'a');
    assert.equal(v.lastGood, undefined);
    assert.equal(v.statusOf(sha('c1')), undefined);
  });
});

describe('history/operator', () => {
  it('checkServerUrl', () => {
    assert.equal(checkServerUrl('http://127.0.0.1:7070/'), 'http://127.0.0.1:7070');
    assert.throws(
      () => checkServerUrl('127.0.0.1:7070'),
      (e) => isBerthError(e, 'E_USAGE'),
    );
    assert.throws(
      () => checkServerUrl('file:///x'),
      (e) => isBerthError(e, 'E_USAGE'),
    );
  });

  it("operatorViewOf picks the workload's resource", () => {
    const s: StatusSnapshot = {
      instance: 'i',
      source: { repo: 'r', branch: 'main', path: '.' },
      phase: 'idle',
      lastAppliedRevision: sha('c1'),
      resources: [
        { kind: 'StatefulSet', namespace: 'default', name: 'web', health: 'Healthy', message: 'sts' },
        { kind: 'Deployment', namespace: 'default', name: 'web', health: 'Progressing', message: 'dep' },
      ],
    };
    const v = operatorViewOf('http://o', s, { kind: 'Deployment', namespace: 'default', name: 'web' });
    assert.equal(v.type === 'seen' && v.resource?.message, 'dep');
    assert.equal(v.type === 'seen' && v.lastApplied, sha('c1'));
  });
});
