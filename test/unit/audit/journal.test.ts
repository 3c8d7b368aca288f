import assert from 'node:assert/strict';
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal, parseJournal } from '../../../src/audit/journal';
import type { RevisionRecord } from '../../../src/audit/types';
import { record, sha } from './fixtures';
import { isBerthError } from '../../../src/util/errors';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';

describe('audit/Journal', () => {
  after(cleanupTemp);

  it('appends one JSON line per record and reads them back in order', async () => {
    const dir = await tempDir('berth-journal-');
    const j = new Journal(join(dir, 'state')); // the state dir is created on first append
    assert.deepEqual(await j.read(), []);
    const a = record('a', 'applying', { appliedAt: '2024-05-01T12:00:05Z' });
    const b = record('a', 'succeeded', { actions: 2, summary: ['create pod web-1', 'create pod web-2'] });
    await j.append(a);
    await j.append(b);
    const text = await readFile(j.path, 'utf8');
    assert.equal(text, `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`);
    assert.deepEqual(await j.read(), [a, b]);
    assert.equal((await stat(j.path)).mode & 0o777, 0o600);
  });

  it('keeps order under concurrent appends from one process', async () => {
    const j = new Journal(await tempDir('berth-journal-'));
    const records = Array.from({ length: 50 }, (_, i) => record(`c${i}`, 'superseded'));
    await Promise.all(records.map((r) => j.append(r)));
    assert.deepEqual(
      (await j.read()).map((r) => r.sha),
      records.map((r) => r.sha),
    );
  });

  it('ignores a torn last line and starts the next append on a fresh line', async () => {
    const dir = await tempDir('berth-journal-');
    const j = new Journal(dir);
    await j.append(record('a', 'succeeded'));
    const full = JSON.stringify(record('b', 'applying'));
    await appendFile(j.path, full.slice(0, 25)); // crash mid-write
    const torn = await j.scan();
    assert.deepEqual(
      torn.records.map((r) => r.status),
      ['succeeded'],
    );
    assert.deepEqual(torn.skipped, [{ line: 2, reason: 'torn last line' }]);

    await j.append(record('b', 'failed', { reason: 'crash loop' }));
    const lines = (await readFile(j.path, 'utf8')).split('\n');
    assert.equal(lines.length, 4); // record, torn fragment, record, ''
    assert.equal(lines[1], full.slice(0, 25));
    const after = await j.scan();
    assert.deepEqual(
      after.records.map((r) => `${r.sha[0]}:${r.status}`),
      ['a:succeeded', 'b:failed'],
    );
    assert.deepEqual(after.skipped, [{ line: 2, reason: 'not JSON' }]);
  });

  it('skips lines that are JSON but not records', () => {
    const text = ['[]', '{"sha":"x","status":"exploded","at":"t"}', '{"status":"failed","at":"t"}', '', '"str"'].join('\n');
    assert.deepEqual(parseJournal(text).skipped, [
      { line: 1, reason: 'not an object' },
      { line: 2, reason: 'unknown status "exploded"' },
      { line: 3, reason: 'sha missing' },
      { line: 5, reason: 'not an object' },
    ]);
  });

  it('refuses to append an invalid record', async () => {
    const j = new Journal(await tempDir('berth-journal-'));
    const bad = { ...record('a', 'succeeded'), status: 'great' } as unknown as RevisionRecord;
    await assert.rejects(j.append(bad), (err) => isBerthError(err, 'E_USAGE'));
    await j.append(record('a', 'succeeded')); // the queue keeps working after a refusal
    assert.equal((await j.read()).length, 1);
  });

  it('reports an unreadable journal as E_IO', async () => {
    const dir = await tempDir('berth-journal-');
    await writeFile(join(dir, 'journal.jsonl'), '');
    const j = new Journal(join(dir, 'journal.jsonl')); // a file where a directory is expected
    await assert.rejects(j.append(record('a', 'succeeded')), (err) => isBerthError(err, 'E_IO'));
    await assert.rejects(j.read(), (err) => isBerthError(err, 'E_IO'));
  });

  it('answers lastGoodRevision and statusOf from the file', async () => {
    const j = new Journal(await tempDir('berth-journal-'));
    assert.equal(await j.lastGoodRevision(), undefined);
    await j.append(record('a', 'applying'));
    await j.append(record('a', 'succeeded'));
    await j.append(record('b', 'applying'));
    await j.append(record('b', 'failed', { rollbackTo: sha('a') }));
    assert.equal(await j.lastGoodRevision(), sha('a'));
    assert.equal(await j.statusOf(sha('b')), 'failed');
    assert.equal(await j.statusOf('f'.repeat(40)), undefined);
    assert.deepEqual(
      (await j.history({ limit: 1 })).map((e) => e.status),
      ['failed'],
    );
  });
});
