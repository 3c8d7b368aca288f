import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadManifests } from '../../../src/manifests';
import { parseManifestText } from '../../../src/manifests/parse';
import type { ManifestDoc, PathSegment } from '../../../src/manifests/types';
import { fixtureText, makeTree, removeTree } from './helpers';

const C0: PathSegment[] = ['spec', 'template', 'spec', 'containers', 0];
const C1: PathSegment[] = ['spec', 'template', 'spec', 'containers', 1];

// Positions in test/fixtures/manifests/locate.yaml.
const CASES: Array<{ name: string; path: PathSegment[]; at?: 'key' | 'value'; line: number; col: number }> = [
  { name: 'empty path: the document', path: [], line: 1, col: 1 },
  { name: 'top-level key', path: ['kind'], line: 2, col: 1 },
  { name: 'top-level value', path: ['kind'], at: 'value', line: 2, col: 7 },
  { name: 'nested key', path: ['metadata', 'name'], line: 4, col: 3 },
  { name: 'nested value', path: ['metadata', 'name'], at: 'value', line: 4, col: 9 },
  { name: 'value of an anchored mapping', path: ['metadata', 'labels'], at: 'value', line: 6, col: 5 },
  { name: 'through an alias: the anchored node', path: ['spec', 'selector', 'matchLabels', 'tier'], line: 7, col: 5 },
  { name: 'through an alias, value', path: ['spec', 'template', 'metadata', 'labels', 'app'], at: 'value', line: 6, col: 10 },
  { name: 'an alias as the value: the alias', path: ['spec', 'selector', 'matchLabels'], at: 'value', line: 10, col: 18 },
  { name: 'sequence item', path: [...C0], line: 16, col: 11 },
  { name: 'key inside a sequence item', path: [...C0, 'image'], line: 17, col: 11 },
  { name: 'quoted value', path: [...C0, 'image'], at: 'value', line: 17, col: 18 },
  { name: 'nested sequence', path: [...C0, 'ports', 0, 'containerPort'], line: 19, col: 15 },
  { name: 'flow sequence item', path: [...C1, 'args', 1], at: 'value', line: 25, col: 25 },
  { name: 'empty value: its key', path: [...C0, 'env'], at: 'value', line: 20, col: 11 },
  { name: 'merged key (<<): in the merged mapping', path: [...C1, 'imagePullPolicy'], line: 24, col: 13 },
  { name: 'merged value', path: [...C1, 'image'], at: 'value', line: 23, col: 20 },
  { name: 'missing field: the key of its parent', path: ['metadata', 'namespace'], line: 3, col: 1 },
  { name: 'missing field, value asked: still the parent key', path: ['spec', 'replicas'], at: 'value', line: 8, col: 1 },
  { name: 'missing deep path: deepest existing ancestor', path: [...C0, 'resources', 'limits', 'cpu'], line: 16, col: 11 },
  { name: 'index past the end: the sequence key', path: ['spec', 'template', 'spec', 'containers', 5, 'image'], line: 15, col: 7 },
  { name: 'index into a mapping: the mapping key', path: ['metadata', 0], line: 3, col: 1 },
  { name: 'field of a scalar: the scalar key', path: ['kind', 'x'], line: 2, col: 1 },
  { name: 'missing top-level field: the document', path: ['status'], line: 1, col: 1 },
];

describe('manifests/locate', () => {
  let doc: ManifestDoc;
  before(async () => {
    const parsed = parseManifestText('locate.yaml', await fixtureText('locate.yaml'), {
      maxAliasCount: 100,
      documentsLeft: 10,
      maxDocuments: 10,
    });
    assert.deepEqual(parsed.problems, []);
    doc = parsed.docs[0];
  });

  for (const c of CASES) {
    it(`${c.name}: ${JSON.stringify(c.path)} ${c.at ?? 'key'} -> ${c.line}:${c.col}`, () => {
      assert.deepEqual(doc.locate(c.path, c.at), { line: c.line, col: c.col });
    });
  }

  it('the body agrees with what locate walks (aliases and merge keys expanded)', () => {
    const spec = doc.body.spec as { selector: { matchLabels: unknown }; template: { spec: { containers: unknown[] } } };
    assert.deepEqual(spec.selector.matchLabels, { app: 'web', tier: 'front' });
    assert.deepEqual(spec.template.spec.containers[1], {
      name: 'sidecar',
      image: 'busybox',
      imagePullPolicy: 'Never',
      args: ['sleep', '3600'],
    });
  });

  it('locates in documents after the first, with file offsets (not document offsets)', () => {
    const r = parseManifestText('two.yaml', 'kind: A\n---\n# c\nkind: B\nmetadata:\n  name: b\n', {
      maxAliasCount: 100,
      documentsLeft: 10,
      maxDocuments: 10,
    });
    assert.deepEqual(r.docs[1].locate(['metadata', 'name'], 'value'), { line: 6, col: 9 });
  });

  it('needs no file access: works after the file is deleted', async () => {
    let dir: string | undefined;
    try {
      dir = await makeTree({ 'cm.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n' });
      const r = await loadManifests(dir);
      await fs.rm(path.join(dir, 'cm.yaml'));
      assert.deepEqual(r.docs[0].locate(['metadata', 'name']), { line: 3, col: 3 });
    } finally {
      await removeTree(dir);
    }
  });
});
