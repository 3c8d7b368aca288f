import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Journal, parseJournal } from '../../../src/audit/journal';
import { StatusIndex } from '../../../src/audit/statusIndex';
import { record, sha } from './fixtures';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';

describe('audit/StatusIndex', () => {
  after(cleanupTemp);

  it('reads only what was appended since the last look', async () => {
    const dir = await tempDir('berth-status-');
    const j = new Journal(dir);
    let parsed = '';
    const index = new StatusIndex(j.path, (text) => ((parsed += text), parseJournal(text)));
    assert.equal(await index.statusOf(sha('a')), undefined); // no journal yet
    await j.append(record('a', 'applying', { summary: ['create pod web-1'] }));
    assert.equal(await index.statusOf(sha('a')), 'applying');
    const first = parsed.length;
    assert.equal(await index.statusOf(sha('a')), 'applying');
    assert.equal(parsed.length, first, 'nothing new, nothing read');
    await j.append(record('a', 'succeeded'));
    assert.equal(await index.statusOf(sha('a')), 'succeeded');
    assert.equal(parsed.length - first, JSON.stringify(record('a', 'succeeded')).length + 1, 'only the new line');
  });

  it('leaves a torn last line for the next look, as a full read of the journal would', async () => {
    const dir = await tempDir('berth-status-');
    const j = new Journal(dir);
    await j.append(record('a', 'succeeded'));
    await appendFile(j.path, JSON.stringify(record('b', 'applying')).slice(0, 30)); // crash mid-write
    assert.equal(await j.statusOf(sha('b')), undefined);
    await j.append(record('b', 'failed'));
    assert.equal(await j.statusOf(sha('b')), 'failed');
    assert.equal(await j.statusOf(sha('a')), 'succeeded');
  });

  it('starts over when the journal was replaced by a shorter one', async () => {
    const dir = await tempDir('berth-status-');
    const j = new Journal(dir);
    await j.append(record('a', 'succeeded'));
    await j.append(record('b', 'succeeded'));
    assert.equal(await j.statusOf(sha('b')), 'succeeded');
    await writeFile(join(dir, 'journal.jsonl'), JSON.stringify(record('a', 'failed')) + '\n');
    assert.equal(await j.statusOf(sha('a')), 'failed');
    assert.equal(await j.statusOf(sha('b')), undefined);
  });

  it('agrees with a full read of the journal for every sha', async () => {
    const j = new Journal(await tempDir('berth-status-'));
    const records = ['a', 'b', 'a', 'c', 'b', 'a'].map((s, i) => record(s, (['applying', 'succeeded', 'failed'] as const)[i % 3]));
    for (const r of records) {
      await j.append(r);
      for (const s of ['a', 'b', 'c', 'd']) {
        const all = (await j.read()).filter((x) => x.sha === sha(s));
        assert.equal(await j.statusOf(sha(s)), all.at(-1)?.status);
      }
    }
  });
});
