import * as assert from 'assert';
import * as fs from 'fs';
import { instanceCreatedAt, uniqueInstance } from '../../helpers/docker';
import { elfInterpreter } from '../../helpers/testImage';

describe('test helpers (no engine)', () => {
  it('encodes the creation time in instance names', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const inst = uniqueInstance('Run Time!', now);
    assert.match(inst, /^t-run-time-[0-9a-z]+-[0-9a-f]{6}$/);
    assert.strictEqual(instanceCreatedAt(inst), now);
    assert.notStrictEqual(uniqueInstance('x', now), uniqueInstance('x', now));
  });

  it('finds no creation time in foreign names', () => {
    assert.strictEqual(instanceCreatedAt('t-someone-else'), undefined);
    assert.strictEqual(instanceCreatedAt('prod'), undefined);
  });

  it('reads the ELF interpreter: none for a static binary, ld.so for a dynamic one', function () {
    if (!fs.existsSync('/bin/busybox') || !fs.existsSync('/bin/ls')) this.skip();
    assert.strictEqual(elfInterpreter(fs.readFileSync('/bin/busybox')), undefined);
    assert.match(elfInterpreter(fs.readFileSync('/bin/ls')) ?? '', /ld-linux|ld-musl/);
  });

  it('refuses a file that is not ELF', () => {
    assert.throws(() => elfInterpreter(Buffer.from('#!/bin/sh\necho hi\n'.padEnd(64, ' '))), /not an ELF file/);
  });
});
