/**
 * The schema files themselves: one per kind with the right apiVersion, compiled once per
 * process, and written so that translate.ts can always say one readable sentence.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isBerthError } from '../../../src/util/errors';
import { KINDS } from '../../../src/model/types';
import { API_VERSIONS } from '../../../src/schema';
import { isBase64, loadSchemaSet, schemaFileOf, schemaSet, schemasDir } from '../../../src/schema/compile';

type Json = Record<string, unknown>;

const DIR = path.resolve(__dirname, '../../../../schemas');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
const SCHEMAS = new Map(FILES.map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Json]));

/** Every sub-schema with the JSON path to it, not descending into `if` (its errors are never shown). */
function* walk(node: unknown, at: string): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) yield* walk(v, `${at}/${i}`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  yield [at, node as Json];
  for (const [k, v] of Object.entries(node)) {
    if (k === 'if' || k === 'enum' || k === 'const') continue;
    yield* walk(v, `${at}/${k}`);
  }
}

describe('schema: the schema files', () => {
  it('are resolved from the compiled code to the package root', () => {
    assert.equal(schemasDir(), DIR);
  });

  for (const kind of KINDS) {
    it(`${kind}: ${schemaFileOf(kind)} declares apiVersion ${API_VERSIONS[kind]} and kind ${kind}`, () => {
      const props = SCHEMAS.get(schemaFileOf(kind))?.properties as Record<string, Json> | undefined;
      assert.deepEqual([props?.apiVersion?.const, props?.kind?.const], [API_VERSIONS[kind], kind]);
    });
  }

  it('are JSON Schema 2020-12 with an $id each', () => {
    const bad = FILES.filter((f) => SCHEMAS.get(f)?.$schema !== 'https://json-schema.org/draft/2020-12/schema' || !SCHEMAS.get(f)?.$id);
    assert.deepEqual(bad, []);
  });

  it('give every anyOf/oneOf/not an x-message, the sentence shown when no branch matches', () => {
    const combinators = FILES.flatMap((f) => [...walk(SCHEMAS.get(f), f)].filter(([, s]) => s.anyOf || s.oneOf || s.not));
    const missing = combinators.filter(([, s]) => !s['x-message']).map(([at]) => at);
    assert.deepEqual({ missing, some: combinators.length > 5 }, { missing: [], some: true });
  });

  it('keep the branches of anyOf/oneOf/not/propertyNames inline (no $ref), so their errors can be folded', () => {
    const branches = FILES.flatMap((f) => [...walk(SCHEMAS.get(f), f)].filter(([at]) => /\/(anyOf|oneOf|not|propertyNames)(\/|$)/.test(at)));
    const refs = branches.filter(([, s]) => s.$ref !== undefined).map(([at]) => at);
    assert.deepEqual({ refs, some: branches.length > 5 }, { refs: [], some: true });
  });

  it('compile once per process: the same validator every time', () => {
    assert.equal(schemaSet(), schemaSet());
    assert.equal(schemaSet().validator('Deployment'), schemaSet().validator('Deployment'));
  });

  it('compile every kind under strict mode', () => {
    const set = loadSchemaSet(DIR);
    const compiled = KINDS.filter((k) => typeof set.validator(k) === 'function');
    assert.deepEqual(compiled, [...KINDS]);
  });

  it('a folder without the schema of a kind fails with a typed error naming the file', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-schemas-'));
    try {
      fs.copyFileSync(path.join(DIR, 'defs.json'), path.join(tmp, 'defs.json'));
      const set = loadSchemaSet(tmp);
      assert.throws(
        () => set.validator('Pod'),
        (err: unknown) => isBerthError(err, 'E_IO') && /pod\.json/.test(String((err as Error & { hint?: string }).hint)),
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('schema: base64 (format byte)', () => {
  const CASES: [string, boolean][] = [
    ['', true],
    ['YWRtaW4=', true],
    ['MWYyZDFlMmU2N2Rm', true],
    ['YQ==', true],
    ['YWJj\nZGVm', true], // line breaks are ignored, as Go's decoder does
    ['YWRtaW4', false], // missing padding
    ['hunter2', false],
    ['YW Rt', false],
    ['YQ=', false],
    ['YWJj-_8=', false], // URL-safe alphabet is not what Kubernetes decodes
  ];
  for (const [text, ok] of CASES) {
    it(`${JSON.stringify(text)} is ${ok ? '' : 'not '}base64`, () => assert.equal(isBase64(text), ok));
  }
});
