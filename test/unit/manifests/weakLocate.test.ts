import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseManifestText, recompose, type ParseLimits } from '../../../src/manifests/parse';
import type { PathSegment } from '../../../src/manifests';
import { fixtureText } from './helpers';

const LIMITS: ParseLimits = { maxAliasCount: 100, documentsLeft: 100, maxDocuments: 100 };

/** Every path of a plain value, down to its leaves. */
function paths(value: unknown, prefix: PathSegment[] = []): PathSegment[][] {
  const out: PathSegment[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

describe('manifests/parse: locate without the syntax tree', () => {
  for (const fixture of ['multi-document.yaml', 'list-flattened.yaml', 'locate.yaml', 'aliases-many-legitimate.yaml']) {
    it(`a tree composed again from the text gives every position the parse gave (${fixture})`, async () => {
      const text = await fixtureText(fixture);
      const parsed = parseManifestText(fixture, text, LIMITS);
      assert.ok(parsed.docs.length > 0);
      for (const doc of parsed.docs) {
        const again = recompose(text, doc.docIndex, doc.pathPrefix ?? []);
        for (const p of [...paths(doc.body), ['no', 'such', 'field']]) {
          for (const at of ['key', 'value'] as const) assert.deepEqual(again(p, at), doc.locate(p, at), `${fixture} #${doc.docIndex} ${p.join('.')} (${at})`);
        }
      }
    });
  }

  it('after the tree is collected, positions are still those of the text as read (escapes fixed as go-yaml reads them)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "it\\'s"\n  b: y\n`;
    const doc = parseManifestText('e.yaml', text, LIMITS).docs[0];
    const expected = [doc.locate(['data', 'b'], 'value'), doc.locate(['data', 'a'], 'value'), doc.locate(['metadata', 'name'], 'value')];
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef holds its target until the job that made it ends
    gc();
    const after = [doc.locate(['data', 'b'], 'value'), doc.locate(['data', 'a'], 'value'), doc.locate(['metadata', 'name'], 'value')];
    assert.deepEqual([after, expected[0]], [expected, { line: 7, col: 6 }]);
  });
});
