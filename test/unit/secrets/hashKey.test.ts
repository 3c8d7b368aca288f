import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hashKeyPath, instanceHashKey } from '../../../src/secrets/hashKey';

describe('the instance key of pod hashes (state directory)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-hashkey-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('is made once (32 random bytes, 0600) and read back the same by every later command', async () => {
    const state = path.join(dir, 'state');
    const key = await instanceHashKey(state, 'prod');
    assert.equal(key.length, 32);
    assert.deepEqual(await instanceHashKey(state, 'prod'), key);
    assert.equal((await fs.stat(hashKeyPath(state, 'prod'))).mode & 0o777, 0o600);
    assert.notDeepEqual(await instanceHashKey(state, 'staging'), key, 'each instance has its own');
    assert.deepEqual(await fs.readdir(state), ['spec-hash-key-prod', 'spec-hash-key-staging'], 'no temporary file is left');
  });

  it('commands starting at once agree on one key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => instanceHashKey(dir, 'prod')));
    assert.equal(new Set(keys.map((k) => k.toString('hex'))).size, 1);
  });

  it('a file that is not a key is an error that says what to do, never silently replaced', async () => {
    await fs.writeFile(hashKeyPath(dir, 'prod'), 'not a key\n');
    await assert.rejects(instanceHashKey(dir, 'prod'), /is not a key berth made.*|remove it/);
    assert.equal(await fs.readFile(hashKeyPath(dir, 'prod'), 'utf8'), 'not a key\n');
  });
});
