import assert from 'node:assert/strict';
import { parseWorkloadArg, resolveWorkload } from '../../../src/history/ref';
import type { WorkloadId } from '../../../src/history/types';
import { isBerthError } from '../../../src/util/errors';

describe('history/parseWorkloadArg', () => {
  const ok: [string, { kind?: string; namespace?: string }, object][] = [
    ['web', {}, { name: 'web' }],
    ['deployment/web', {}, { name: 'web', kind: 'Deployment' }],
    ['deploy/web', { namespace: 'shop' }, { name: 'web', kind: 'Deployment', namespace: 'shop' }],
    ['sts/db', {}, { name: 'db', kind: 'StatefulSet' }],
    ['StatefulSet/db', { kind: 'statefulset' }, { name: 'db', kind: 'StatefulSet' }],
    ['web', { kind: 'Deployment' }, { name: 'web', kind: 'Deployment' }],
  ];
  for (const [arg, opts, want] of ok) it(`${arg} ${JSON.stringify(opts)}`, () => assert.deepEqual(parseWorkloadArg(arg, opts), want));

  const bad: [string, { kind?: string; namespace?: string }, RegExp][] = [
    ['pod/web', {}, /unknown kind "pod"/],
    ['deployment/web', { kind: 'sts' }, /names a Deployment but --kind says StatefulSet/],
    ['Web', {}, /invalid workload name/],
    ['deployment/', {}, /invalid workload name/],
    ['web', { namespace: 'A B' }, /invalid namespace/],
  ];
  for (const [arg, opts, re] of bad) {
    it(`refuses ${arg} ${JSON.stringify(opts)}`, () =>
      assert.throws(
        () => parseWorkloadArg(arg, opts),
        (e) => isBerthError(e, 'E_USAGE') && re.test(e.message),
      ));
  }
});

describe('history/resolveWorkload', () => {
  const ids: WorkloadId[] = [
    { kind: 'Deployment', namespace: 'default', name: 'web' },
    { kind: 'Deployment', namespace: 'shop', name: 'web' },
    { kind: 'StatefulSet', namespace: 'default', name: 'db' },
    { kind: 'Deployment', namespace: 'default', name: 'db' },
  ];
  it('one match', () => assert.deepEqual(resolveWorkload({ name: 'web', namespace: 'shop' }, ids, 'here'), ids[1]));
  it('the kind disambiguates', () => assert.deepEqual(resolveWorkload({ name: 'db', kind: 'StatefulSet' }, ids, 'here'), ids[2]));
  it('several namespaces: asks for -n', () =>
    assert.throws(
      () => resolveWorkload({ name: 'web' }, ids, 'on the engine'),
      (e) => isBerthError(e, 'E_USAGE') && /ambiguous on the engine/.test(e.message) && /-n/.test(e.hint ?? ''),
    ));
  it('both kinds: asks for the kind', () =>
    assert.throws(
      () => resolveWorkload({ name: 'db' }, ids, 'here'),
      (e) => isBerthError(e) && /deployment\/NAME/.test(e.hint ?? ''),
    ));
  it('none: not found, saying where', () =>
    assert.throws(
      () => resolveWorkload({ name: 'api' }, ids, 'in the last 3 commit(s)'),
      (e) => isBerthError(e, 'E_NOT_FOUND') && /no Deployment or StatefulSet api in the last 3/.test(e.message),
    ));
  it('duplicates count once', () => assert.deepEqual(resolveWorkload({ name: 'web', namespace: 'default' }, [ids[0]!, { ...ids[0]! }], 'here'), ids[0]));
});
