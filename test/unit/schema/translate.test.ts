/** The pure pieces: JSON pointers to field paths, folding ajv's errors, and the hints. */
import { strict as assert } from 'node:assert';
import type { ErrorObject } from 'ajv';
import { closest, didYouMean, editDistance } from '../../../src/schema/hints';
import { pointerToPath, translateErrors } from '../../../src/schema/translate';
import { checkHeader } from '../../../src/schema/kinds';

describe('schema: pointerToPath', () => {
  const body = { data: { '0': 'x', 'a/b': 'y', 'c~d': 'z' }, spec: { containers: [{ ports: [{}, {}] }] } };
  const CASES: [string, (string | number)[]][] = [
    ['', []],
    ['/spec/containers/0/ports/1', ['spec', 'containers', 0, 'ports', 1]],
    ['/data/0', ['data', '0']], // a key that looks like an index stays a key
    ['/data/a~1b', ['data', 'a/b']],
    ['/data/c~0d', ['data', 'c~d']],
    ['/spec/missing/0', ['spec', 'missing', '0']],
  ];
  for (const [pointer, want] of CASES) {
    it(`${pointer || '(root)'}`, () => assert.deepEqual(pointerToPath(pointer, body), want));
  }
});

const err = (e: Partial<ErrorObject> & Pick<ErrorObject, 'keyword' | 'instancePath' | 'schemaPath'>): ErrorObject => ({ params: {}, ...e });

describe('schema: translateErrors', () => {
  it('folds the branches of a failed anyOf into its x-message', () => {
    const quantity = { 'x-message': 'must be a quantity like 100m or 64Mi', anyOf: [] };
    const issues = translateErrors(
      [
        err({ keyword: 'type', instancePath: '/cpu', schemaPath: 'defs.json#/$defs/Quantity/anyOf/0/type', params: { type: 'number' }, data: 'x' }),
        err({ keyword: 'pattern', instancePath: '/cpu', schemaPath: 'defs.json#/$defs/Quantity/anyOf/1/pattern', data: 'x' }),
        err({ keyword: 'anyOf', instancePath: '/cpu', schemaPath: 'defs.json#/$defs/Quantity/anyOf', parentSchema: quantity, data: 'x' }),
      ],
      { cpu: 'x' },
    );
    assert.deepEqual(issues, [
      { path: ['cpu'], at: { path: ['cpu'], part: 'value' }, code: 'schema.format', message: 'invalid value "x": must be a quantity like 100m or 64Mi' },
    ]);
  });

  it('says one sentence per location when several keywords fail with the same x-message', () => {
    const name = { 'x-message': 'must be a DNS-1123 label' };
    const issues = translateErrors(
      [
        err({ keyword: 'maxLength', instancePath: '/name', schemaPath: '#/maxLength', parentSchema: name, data: 'A'.repeat(70) }),
        err({ keyword: 'pattern', instancePath: '/name', schemaPath: '#/pattern', parentSchema: name, data: 'A'.repeat(70) }),
      ],
      { name: 'A'.repeat(70) },
    );
    assert.deepEqual(
      issues.map((i) => i.message),
      [`invalid value "${'A'.repeat(70)}": must be a DNS-1123 label`],
    );
  });

  it('drops `if` errors (the `then` error says it all) and locates a missing field at its parent', () => {
    const issues = translateErrors(
      [
        err({
          keyword: 'required',
          instancePath: '/spec',
          schemaPath: '#/then/required',
          params: { missingProperty: 'externalName' },
          parentSchema: {},
          data: {},
        }),
        err({ keyword: 'if', instancePath: '/spec', schemaPath: '#/if', params: { failingKeyword: 'then' }, data: {} }),
      ],
      { spec: {} },
    );
    assert.deepEqual(issues, [{ path: ['spec', 'externalName'], at: { path: ['spec'], part: 'key' }, code: 'schema.required', message: 'is required' }]);
  });
});

describe('schema: hints', () => {
  const DISTANCES: [string, string, number][] = [
    ['image', 'image', 0],
    ['imagee', 'image', 1],
    ['memroy', 'memory', 2],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ];
  for (const [a, b, d] of DISTANCES) {
    it(`editDistance(${a}, ${b}) = ${d}`, () => assert.equal(editDistance(a, b), d));
  }

  it('stops counting past the limit', () => assert.equal(editDistance('abcdefgh', 'zyxwvuts', 2), 3));

  const CLOSEST: [string, string[], string | undefined][] = [
    ['imagee', ['name', 'image', 'imagePullPolicy'], 'image'],
    ['Image', ['name', 'image'], 'image'], // case alone is one edit
    ['IMAGEPULLPOLICY', ['imagePullPolicy'], 'imagePullPolicy'],
    ['colour', ['name', 'labels', 'annotations'], undefined],
    ['image', ['image'], undefined], // an exact match is not a hint
  ];
  for (const [word, candidates, want] of CLOSEST) {
    it(`closest(${word}) = ${want}`, () => assert.equal(closest(word, candidates), want));
  }

  it('didYouMean phrases the hint', () => assert.equal(didYouMean('portss', ['ports', 'env']), ' (did you mean "ports"?)'));
});

describe('schema: checkHeader', () => {
  const CASES: [unknown, string | undefined, string[]][] = [
    [{ apiVersion: 'apps/v1', kind: 'Deployment' }, 'Deployment', []],
    [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim' }, 'PersistentVolumeClaim', []],
    [{ apiVersion: 'extensions/v1beta1', kind: 'Deployment' }, 'Deployment', ['apiVersion "extensions/v1beta1" does not serve kind Deployment (use apps/v1)']],
    [
      { apiVersion: 'v1', kind: 'deployment' },
      undefined,
      [
        `unknown kind "deployment" (did you mean "Deployment"?): berth supports Namespace, ConfigMap, Secret, PersistentVolumeClaim, Service, Pod, Deployment, StatefulSet, DaemonSet, Ingress, IngressClass, Job, CronJob`,
      ],
    ],
    [{ apiVersion: 'v1', kind: 'Ingress' }, 'Ingress', ['apiVersion "v1" does not serve kind Ingress (use networking.k8s.io/v1)']],
    [{ apiVersion: 2, kind: 'Pod' }, 'Pod', ['apiVersion 2 does not serve kind Pod (use v1)']],
    ['just a string', undefined, ['must be a mapping of fields (apiVersion, kind, metadata, ...)']],
  ];
  for (const [body, kind, messages] of CASES) {
    it(JSON.stringify(body), () => {
      const h = checkHeader(body);
      assert.deepEqual({ kind: h.kind, messages: h.issues.map((i) => i.message) }, { kind, messages });
    });
  }
});
