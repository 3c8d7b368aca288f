import assert from 'node:assert/strict';
import { parseManifestText, type ParseLimits } from '../../../src/manifests/parse';
import { fixtureText } from './helpers';

const LIMITS: ParseLimits = { maxAliasCount: 100, documentsLeft: 100, maxDocuments: 100 };

async function parseFixture(name: string, limits: Partial<ParseLimits> = {}) {
  return parseManifestText(name, await fixtureText(name), { ...LIMITS, ...limits });
}

function parseText(text: string, limits: Partial<ParseLimits> = {}) {
  return parseManifestText('inline.yaml', text, { ...LIMITS, ...limits });
}

const names = (docs: { body: Record<string, unknown> }[]) => docs.map((d) => (d.body.metadata as { name?: string } | undefined)?.name);

/** [code, line, col] of each problem, the shape most assertions below compare. */
const where = (problems: { code: string; line: number; col: number }[]) => problems.map((p) => [p.code, p.line, p.col]);

describe('manifests/parse', () => {
  describe('documents', () => {
    it('reads every document of a multi-document file, skipping empty ones, with its index in the file', async () => {
      const r = await parseFixture('multi-document.yaml');
      assert.deepEqual(r.problems, []);
      assert.deepEqual(names(r.docs), ['first', 'second', 'third']);
      // doc 1 is empty (`---` then `---`), doc 2 holds only a comment.
      assert.deepEqual(
        r.docs.map((d) => d.docIndex),
        [0, 3, 4],
      );
      assert.deepEqual(r.docs[1].locate(['kind']), { line: 12, col: 1 });
    });

    it('reports a document whose top level is not a mapping, keeps the others', async () => {
      const r = await parseFixture('not-a-mapping.yaml');
      assert.deepEqual(names(r.docs), ['fine']);
      assert.deepEqual(where(r.problems), [
        ['load.not-a-mapping', 6, 1],
        ['load.not-a-mapping', 9, 1],
      ]);
      assert.match(r.problems[0].message, /sequence, not a mapping/);
      assert.match(r.problems[1].message, /scalar \("just a string"\)/);
    });

    it('returns nothing for an empty file or one with only comments and markers', () => {
      for (const text of ['', '\n\n', '# nothing\n', '---\n---\n...\n', 'null\n']) {
        const r = parseText(text);
        assert.deepEqual([r.docs.length, r.problems], [0, []], JSON.stringify(text));
      }
    });

    it('strips nothing from bodies: values keep YAML 1.2 core types', () => {
      const r = parseText('kind: ConfigMap\ndata:\n  a: "1"\n  b: 1\n  c: yes\n  d: ~\n');
      assert.deepEqual(r.docs[0].body, { kind: 'ConfigMap', data: { a: '1', b: 1, c: 'yes', d: null } });
    });

    it('reads 0644-style numbers as octal, as Kubernetes does (defaultMode: 0400 is 256)', () => {
      const r = parseText('kind: Pod\nmodes: [0400, 0644, 0o600, 644, 0, 09]\n');
      assert.deepEqual(r.docs[0].body.modes, [256, 420, 384, 644, 0, 9]);
    });
  });

  describe('YAML errors are located', () => {
    const cases: Array<{ name: string; text: string; code: string; line: number; col: number; message: RegExp }> = [
      { name: 'duplicate key', text: 'a: 1\nb:\n  c: 2\n  c: 3\n', code: 'yaml.duplicate-key', line: 4, col: 3, message: /duplicate mapping key 'c'/ },
      { name: 'duplicate top-level key', text: 'kind: A\nkind: B\n', code: 'yaml.duplicate-key', line: 2, col: 1, message: /'kind'/ },
      { name: 'tab as indentation', text: 'a:\n\tb: 1\n', code: 'yaml.syntax', line: 2, col: 1, message: /Tabs are not allowed as indentation/ },
      { name: 'unclosed flow sequence', text: 'a: [1, 2\nb: 3\n', code: 'yaml.syntax', line: 2, col: 1, message: /Flow sequence/ },
      { name: 'bad escape', text: 'a: 1\nb: "x\\qy"\n', code: 'yaml.syntax', line: 2, col: 6, message: /Invalid escape sequence/ },
      { name: 'unresolved alias', text: 'a: 1\nb: *nope\n', code: 'yaml.unresolved-alias', line: 2, col: 4, message: /\*nope refers to no anchor/ },
      { name: 'complex key', text: 'a: 1\n? [x, y]\n: 2\n', code: 'yaml.complex-key', line: 2, col: 3, message: /key is itself a mapping or sequence/ },
      { name: 'alias cycle', text: 'a: 1\nb: &s [1, *s]\n', code: 'load.alias-cycle', line: 1, col: 1, message: /cycle/ },
    ];
    for (const c of cases) {
      it(`${c.name} -> ${c.code} at ${c.line}:${c.col}`, () => {
        const r = parseText(c.text);
        assert.deepEqual(r.docs, []);
        assert.deepEqual(where(r.problems), [[c.code, c.line, c.col]]);
        assert.match(r.problems[0].message, c.message);
        assert.equal(r.problems[0].severity, 'error');
      });
    }

    it('duplicate key fixture: the second `color` at 8:3', async () => {
      const r = await parseFixture('duplicate-key.yaml');
      assert.deepEqual(r.docs, []);
      assert.deepEqual(r.problems, [
        {
          severity: 'error',
          file: 'duplicate-key.yaml',
          line: 8,
          col: 3,
          path: '',
          message: "duplicate mapping key 'color': keys must be unique",
          code: 'yaml.duplicate-key',
        },
      ]);
    });

    it('tab-indent fixture: refused at the tab, 4:1', async () => {
      const r = await parseFixture('tab-indent.yaml');
      assert.deepEqual(r.docs, []);
      assert.deepEqual(where(r.problems), [['yaml.syntax', 4, 1]]);
    });

    it('a broken document does not hide the good ones around it', () => {
      const r = parseText('kind: A\n---\nkind: B\nkind: C\n---\nkind: D\n');
      assert.deepEqual(
        r.docs.map((d) => d.body.kind),
        ['A', 'D'],
      );
      assert.deepEqual(where(r.problems), [['yaml.duplicate-key', 4, 1]]);
    });

    it('a tab inside a quoted value is fine', () => {
      const r = parseText('kind: A\nv: "x\ty"\n');
      assert.deepEqual([r.problems, r.docs[0].body.v], [[], 'x\ty']);
    });

    it('a warning (unknown tag) is reported and the document still loads', () => {
      const r = parseText('kind: A\nv: !custom 1\n');
      assert.deepEqual(
        r.docs.map((d) => d.body.kind),
        ['A'],
      );
      assert.deepEqual(where(r.problems), [['yaml.warning', 2, 4]]);
      assert.equal(r.problems[0].severity, 'warning');
    });

    it('nesting too deep for the parser is a located error, not a crash', () => {
      const depth = 5000;
      const r = parseText(`kind: A\nv: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      assert.deepEqual(r.docs, []);
      assert.equal(r.problems[0].code, 'yaml.syntax');
      assert.match(r.problems[0].message, /nested too deeply/);
      assert.equal(r.problems[0].line, 2);
    });
  });

  describe('List flattening', () => {
    it('turns each item of a List or *List into its own document', async () => {
      const r = await parseFixture('list-flattened.yaml');
      assert.deepEqual(names(r.docs), ['one', 'two', 'three']);
      assert.deepEqual(
        r.docs.map((d) => d.pathPrefix),
        [
          ['items', 0],
          ['items', 1],
          ['items', 0],
        ],
      );
      assert.deepEqual(
        r.docs.map((d) => d.docIndex),
        [0, 0, 1],
      );
      assert.deepEqual(r.docs[0].body, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' }, data: { k: 'v' } });
    });

    it('locates fields relative to the item', async () => {
      const [one, two, three] = (await parseFixture('list-flattened.yaml')).docs;
      assert.deepEqual(one.locate(['metadata', 'name']), { line: 8, col: 7 });
      assert.deepEqual(one.locate(['data', 'k'], 'value'), { line: 10, col: 10 });
      assert.deepEqual(one.locate([]), { line: 5, col: 5 });
      assert.deepEqual(two.locate(['spec', 'ports', 0, 'targetPort'], 'value'), { line: 18, col: 23 });
      assert.deepEqual(two.locate(['spec', 'clusterIP']), { line: 15, col: 5 });
      assert.deepEqual(three.locate(['metadata', 'name'], 'value'), { line: 26, col: 22 });
    });

    it('reports an item that is not a mapping at the item, with its path', async () => {
      const r = await parseFixture('list-flattened.yaml');
      assert.deepEqual(
        r.problems.map((p) => [p.code, p.line, p.col, p.path]),
        [['load.not-a-mapping', 19, 5, 'items[2]']],
      );
    });

    it('leaves a *List kind without an items sequence as a plain document', () => {
      const r = parseText('kind: ConfigMapList\nmetadata: {name: x}\n');
      assert.deepEqual([r.problems, r.docs.length, r.docs[0].pathPrefix], [[], 1, []]);
    });
  });

  describe('aliases', () => {
    it('refuses a "billion laughs" document with load.alias-limit, loads the next one', async () => {
      const started = process.hrtime.bigint();
      const r = await parseFixture('alias-bomb.yaml');
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(`      (alias bomb refused in ${ms.toFixed(1)} ms)`);
      assert.deepEqual(where(r.problems), [['load.alias-limit', 2, 1]]);
      assert.match(r.problems[0].message, /maxAliasCount 100/);
      assert.match(r.problems[0].message, /document starting at line 2/);
      assert.deepEqual(names(r.docs), ['after-the-bomb']);
    });

    it('loads a document with many legitimate anchors and aliases under the limit', async () => {
      const r = await parseFixture('aliases-many-legitimate.yaml');
      assert.deepEqual(r.problems, []);
      const spec = r.docs[0].body.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } };
      const containers = spec.template.spec.containers;
      const env = Array.from({ length: 20 }, (_, i) => ({ name: `VAR_${i}`, value: `v${i}` }));
      assert.equal(containers.length, 4);
      for (const c of containers) {
        assert.deepEqual(c.env, env);
        assert.deepEqual(c.resources, { limits: { memory: '64Mi' } });
      }
    });

    it('counts alias dereferences against maxAliasCount', () => {
      // The `yaml` package counts the anchored node as one use: 10 aliases need 11.
      const text = `a: &x 1\nb: [${Array(10).fill('*x').join(', ')}]\n`;
      assert.deepEqual(parseText(text, { maxAliasCount: 11 }).problems, []);
      assert.deepEqual(where(parseText(text, { maxAliasCount: 10 }).problems), [['load.alias-limit', 1, 1]]);
      assert.deepEqual(where(parseText(text, { maxAliasCount: 0 }).problems), [['load.alias-limit', 1, 1]]);
    });

    it('expands merge keys (<<) as Kubernetes does', () => {
      const r = parseText('base: &b {x: 1, y: 2}\nobj:\n  <<: *b\n  y: 3\n');
      assert.deepEqual(r.docs[0].body.obj, { x: 1, y: 3 });
    });
  });

  describe('document limit', () => {
    it('stops at documentsLeft with a Problem on the first document beyond it', () => {
      const text = ['kind: A', 'kind: B', 'kind: C', 'kind: D'].join('\n---\n') + '\n';
      const r = parseText(text, { documentsLeft: 2, maxDocuments: 7 });
      assert.deepEqual(
        r.docs.map((d) => d.body.kind),
        ['A', 'B'],
      );
      assert.deepEqual(where(r.problems), [['load.max-documents', 5, 1]]);
      assert.match(r.problems[0].message, /more than 7 documents/);
      assert.equal(r.limitReached, true);
    });

    it('counts List items as documents', async () => {
      const r = await parseFixture('list-flattened.yaml', { documentsLeft: 1 });
      assert.deepEqual(names(r.docs), ['one']);
      assert.deepEqual(where(r.problems), [['load.max-documents', 11, 5]]);
    });

    it('is not reached by exactly documentsLeft documents', () => {
      const r = parseText('kind: A\n---\nkind: B\n', { documentsLeft: 2 });
      assert.deepEqual([r.docs.length, r.problems, r.limitReached], [2, [], false]);
    });
  });
});
