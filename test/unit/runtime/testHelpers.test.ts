import * as assert from 'assert';
import * as fs from 'fs';
import { findStaleInstances, instanceCreatedAt, uniqueInstance } from '../../helpers/docker';
import type { ContainerSummary } from '../../../src/runtime/types';
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

  describe('findStaleInstances', () => {
    const HOUR = 3600_000;
    const now = Date.UTC(2026, 5, 1);
    const cutoff = now - HOUR;
    const container = (instance: string, ageMs: number): ContainerSummary => ({
      id: instance + ageMs,
      name: instance,
      image: 'i',
      labels: { 'io.berth.instance': instance },
      state: 'running',
      status: 'Up',
      createdAt: Math.floor((now - ageMs) / 1000),
      networks: {},
    });
    const oldNamed = uniqueInstance('a', now - 2 * HOUR);
    const youngNamed = uniqueInstance('b', now - 60_000);
    const cases: Array<[string, Parameters<typeof findStaleInstances>[0], string[]]> = [
      [
        'an old name, only a network left',
        { containers: [], networks: [{ id: 'n', name: 'n', labels: { 'io.berth.instance': oldNamed } }], volumes: [] },
        [oldNamed],
      ],
      ['a young name with an old-looking container', { containers: [container(youngNamed, 5 * HOUR)], networks: [], volumes: [] }, []],
      [
        'a foreign name whose containers are all old',
        { containers: [container('t-foreign', 2 * HOUR), container('t-foreign', 3 * HOUR)], networks: [], volumes: [] },
        ['t-foreign'],
      ],
      [
        'a foreign name with one young container',
        { containers: [container('t-foreign', 2 * HOUR), container('t-foreign', 60_000)], networks: [], volumes: [] },
        [],
      ],
      [
        'a foreign name with only a volume (age unknown)',
        { containers: [], networks: [], volumes: [{ name: 'v', mountpoint: '/', labels: { 'io.berth.instance': 't-foreign' } }] },
        [],
      ],
      ['not a test instance', { containers: [container('prod', 10 * HOUR)], networks: [], volumes: [] }, []],
    ];
    for (const [name, objects, want] of cases) {
      it(name, () => assert.deepStrictEqual(findStaleInstances(objects, cutoff), want));
    }
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
