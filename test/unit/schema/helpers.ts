/**
 * ManifestDocs for schema tests, built with the real `yaml` package and a tiny `locate`
 * (the real loader lives in src/manifests/; these tests must not depend on it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import type { ManifestDoc, PathSegment, Position } from '../../../src/manifests/types';
import { validateDocuments } from '../../../src/schema';
import { formatProblem } from '../../../src/util/problems';

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/schema');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** Every YAML document of `text` as a ManifestDoc of `file`. */
export function docsFromYaml(text: string, file = 'test.yaml'): ManifestDoc[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter: lines });
  if (!Array.isArray(parsed)) throw new Error('empty YAML stream');
  return parsed.map((doc, docIndex) => {
    if (doc.errors.length) throw new Error(`bad YAML in test input: ${doc.errors[0].message}`);
    return {
      file,
      docIndex,
      body: doc.toJS() as Record<string, unknown>,
      locate: (p: readonly PathSegment[], at: 'key' | 'value' = 'key') => locate(lines, doc.contents as Node, p, at),
    };
  });
}

/** One document; fails when `text` holds another number of them. */
export function docFromYaml(text: string, file = 'test.yaml'): ManifestDoc {
  const docs = docsFromYaml(text, file);
  if (docs.length !== 1) throw new Error(`expected one document, got ${docs.length}`);
  return docs[0];
}

/** The key (or value) at `p`; a path that does not exist points at its deepest existing ancestor's key. */
function locate(lines: LineCounter, root: Node, p: readonly PathSegment[], at: 'key' | 'value'): Position {
  let node: Node | undefined = root;
  let key: Node | undefined;
  for (const [i, segment] of p.entries()) {
    const next = step(node, segment);
    if (!next) return pos(lines, key ?? node);
    [node, key] = next;
    if (i === p.length - 1) return pos(lines, at === 'key' ? (key ?? node) : (node ?? key));
  }
  return pos(lines, key ?? node);
}

function step(node: Node | undefined, segment: PathSegment): [Node | undefined, Node | undefined] | undefined {
  if (isMap(node)) {
    const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === segment);
    return pair ? [(pair.value ?? undefined) as Node | undefined, pair.key as Node] : undefined;
  }
  if (isSeq(node) && typeof segment === 'number' && node.items[segment]) return [node.items[segment] as Node, undefined];
  return undefined;
}

function pos(lines: LineCounter, node: Node | undefined): Position {
  const offset = node?.range?.[0] ?? 0;
  return lines.linePos(offset);
}

export interface ErrorCase {
  name: string;
  yaml: string;
  /** `formatProblem` lines of the errors, then ` [code]`. */
  errors: string[];
}

/** Validate `yaml` (as file `t.yaml`): how many documents passed, and each error as `FILE:LINE:COL: path: message [code]`. */
export function errorLines(yaml: string): { valid: number; errors: string[] } {
  const { valid, problems } = validateDocuments(docsFromYaml(yaml, 't.yaml'));
  const errors = problems.filter((p) => p.severity === 'error').map((p) => `${formatProblem(p)} [${p.code}]`);
  return { valid: valid.length, errors };
}
