/**
 * One file's text -> ManifestDocs: multi-document YAML, located syntax errors, the alias
 * guard, top-level mapping check, and `*List` flattening. Pure: no I/O.
 */
import { Composer, type ScalarTag, type Tags, isMap, isScalar, isSeq, LineCounter, Parser, visit, type Document, type Node, type YAMLError } from 'yaml';
import { messageOf } from '../util';
import type { Problem, Severity } from '../util';
import { makeLocate, nodeAt } from './locate';
import { firstComplexKey, toPlain } from './plain';
import { FILE_START, fileProblem, positionOf } from '../util';
import type { ManifestDoc, PathSegment, Position } from './types';

export interface ParseLimits {
  maxAliasCount: number;
  /** Documents this file may still add (what is left of the repository-wide limit). */
  documentsLeft: number;
  /** The repository-wide limit, for the message. */
  maxDocuments: number;
}

export interface ParsedFile {
  docs: ManifestDoc[];
  problems: Problem[];
  /** True when the document limit was reached: the caller reads no further files. */
  limitReached: boolean;
}

interface FileState {
  file: string;
  lines: LineCounter;
  limits: ParseLimits;
  docs: ManifestDoc[];
  problems: Problem[];
  limitReached: boolean;
}

/**
 * YAML 1.2 core schema plus the two YAML 1.1 habits of Kubernetes' reader (go-yaml) that
 * manifests rely on: `<<` merge keys, and `0644` read as an octal number (the way every
 * `defaultMode: 0400` in the Kubernetes docs is meant). The rest of YAML 1.1 (`y`/`no` as
 * booleans, the "Norway problem") is deliberately not taken over.
 */
const OCTAL_1_1: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^0[0-7]+$/,
  resolve: (str: string) => parseInt(str, 8),
};
const COMPOSE_OPTIONS = { uniqueKeys: true, merge: true, logLevel: 'error', customTags: (tags: Tags) => [OCTAL_1_1, ...tags] } as const;

export function parseManifestText(file: string, written: string, limits: ParseLimits): ParsedFile {
  const { text, fixed } = libyamlEscapes(written);
  const state: FileState = { file, lines: new LineCounter(), limits, docs: [], problems: [], limitReached: false };
  const lines = new LineCounter();
  for (const start of fixed.length > 0 ? [0, ...[...written.matchAll(/\n/g)].map((m) => m.index + 1)] : []) lines.addNewLine(start);
  for (const offset of fixed) {
    state.problems.push(
      fileProblem(file, lines.linePos(offset), 'yaml.escape', `"\\'" is not a YAML escape: read as "'", as Kubernetes' YAML reader (go-yaml) does`, {
        severity: 'warning',
      }),
    );
  }
  const parser = new Parser(state.lines.addNewLine);
  const composer = new Composer(COMPOSE_OPTIONS);
  let index = 0;
  try {
    // Documents are composed one at a time, so a file of many documents stops at the limit
    // instead of being parsed whole first (what parseAllDocuments would do).
    for (const doc of composer.compose(parser.parse(text))) {
      readDocument(state, doc as Document, index++);
      if (state.limitReached) break;
    }
  } catch (err) {
    state.problems.push(fileProblem(file, FILE_START, 'yaml.syntax', `cannot parse YAML: ${messageOf(err)}`));
  }
  const docs = state.docs.map((d) => ({ ...d, locate: weakLocate(text, d) }));
  return { docs, problems: state.problems, limitReached: state.limitReached };
}

/**
 * A document's `locate` that does not keep the file's syntax tree alive: parses kept between
 * revisions (parseCache.ts) would otherwise hold a tree of every file, several times the
 * size of the plain objects. The tree is held weakly (used while it lives: the checks of
 * the validation that parsed it) and composed again from the text when it is gone; the
 * position every revision asks for (`metadata.name`, model/normalize/meta.ts) is kept.
 */
function weakLocate(text: string, parsed: ManifestDoc): ManifestDoc['locate'] {
  const tree = new WeakRef(parsed.locate);
  const { docIndex, pathPrefix = [] } = parsed;
  const name = parsed.locate(NAME_PATH, 'value');
  return (path, at = 'key') => {
    if (at === 'value' && path.length === 2 && path[0] === NAME_PATH[0] && path[1] === NAME_PATH[1]) return name;
    return (tree.deref() ?? recompose(text, docIndex, pathPrefix))(path, at);
  };
}

const NAME_PATH = ['metadata', 'name'] as const;

/** `locate` over a fresh parse of `text` (what parseManifestText read, escapes fixed). */
export function recompose(text: string, docIndex: number, prefix: readonly PathSegment[]): ManifestDoc['locate'] {
  const lines = new LineCounter();
  let index = 0;
  for (const doc of new Composer(COMPOSE_OPTIONS).compose(new Parser(lines.addNewLine).parse(text))) {
    if (index++ !== docIndex) continue;
    const root = doc.contents as Node;
    return makeLocate(doc as Document, lines, (prefix.length > 0 ? nodeAt(doc as Document, root, prefix) : undefined) ?? root);
  }
  return () => FILE_START; // cannot happen: the text parsed to this document before
}

/**
 * go-yaml, with which kubectl and the API server read manifests, takes `\'` inside a
 * double-quoted string as a quote; YAML 1.2 (and the `yaml` package) has no such escape and
 * refuses the file. The offsets of those backslashes are found by a first parse and dropped
 * from the text, so such a file reads as in Kubernetes (columns after them on the same line
 * shift left by one). Files without `\'` are parsed once.
 */
function libyamlEscapes(text: string): { text: string; fixed: number[] } {
  if (!text.includes("\\'")) return { text, fixed: [] };
  const fixed: number[] = [];
  for (const doc of new Composer(COMPOSE_OPTIONS).compose(new Parser().parse(text))) {
    for (const e of doc.errors) if (e.code === 'BAD_DQ_ESCAPE' && text.startsWith("\\'", e.pos[0])) fixed.push(e.pos[0]);
  }
  let out = text;
  for (const offset of [...fixed].reverse()) out = out.slice(0, offset) + out.slice(offset + 1);
  return { text: out, fixed };
}

/** Every document of a file composed, not yet read: what a sops file is opened on first. */
export type Composed = { ok: true; docs: Document[]; lines: LineCounter } | { ok: false; problem: Problem };

export function composeDocuments(file: string, text: string): Composed {
  const lines = new LineCounter();
  try {
    const docs = [...new Composer(COMPOSE_OPTIONS).compose(new Parser(lines.addNewLine).parse(text))] as Document[];
    return { ok: true, docs, lines };
  } catch (err) {
    return { ok: false, problem: fileProblem(file, FILE_START, 'yaml.syntax', `cannot parse YAML: ${messageOf(err)}`) };
  }
}

/** Read documents composed by `composeDocuments` (and perhaps decrypted since). */
export function readComposedDocuments(file: string, docs: Document[], lines: LineCounter, limits: ParseLimits): ParsedFile {
  const state: FileState = { file, lines, limits, docs: [], problems: [], limitReached: false };
  for (let index = 0; index < docs.length && !state.limitReached; index++) readDocument(state, docs[index]!, index);
  return { docs: state.docs, problems: state.problems, limitReached: state.limitReached };
}

function readDocument(state: FileState, doc: Document, index: number): void {
  for (const e of doc.errors) state.problems.push(yamlProblem(state, doc, e, 'error'));
  for (const w of doc.warnings) state.problems.push(yamlProblem(state, doc, w, 'warning'));
  if (doc.errors.length > 0) return;
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return; // empty document
  const at = positionOf(state.lines, root);
  if (!isMap(root)) {
    problem(state, at, 'load.not-a-mapping', `the document is ${describe(root)}, not a mapping: a manifest is one object with apiVersion and kind`);
    return;
  }
  const complexKey = firstComplexKey(doc);
  if (complexKey) {
    problem(state, positionOf(state.lines, complexKey), 'yaml.complex-key', 'a mapping key is itself a mapping or sequence; object keys must be plain strings');
    return;
  }
  const plain = toPlain(doc, state.limits.maxAliasCount);
  if (!plain.ok) {
    const where = plain.reason === 'unresolved-alias' && plain.node ? positionOf(state.lines, plain.node) : at;
    const code = plain.reason === 'other' ? 'yaml.syntax' : plain.reason === 'unresolved-alias' ? 'yaml.unresolved-alias' : `load.${plain.reason}`;
    problem(state, where, code, `${plain.message} (document starting at line ${at.line})`);
    return;
  }
  const body = plain.value as Record<string, unknown>;
  if (isListKind(body)) {
    flattenList(state, doc, root, body.items as unknown[], index);
    return;
  }
  addDoc(state, at, { file: state.file, docIndex: index, body, pathPrefix: [], locate: makeLocate(doc, state.lines, root) });
}

/** `kind: List` (or any `*List`, like `DeploymentList`) with `items`: each item is an object. */
function isListKind(body: Record<string, unknown>): boolean {
  return typeof body.kind === 'string' && body.kind.endsWith('List') && Array.isArray(body.items);
}

function flattenList(state: FileState, doc: Document, root: Node, items: unknown[], index: number): void {
  const seq = nodeAt(doc, root, ['items']);
  for (let i = 0; i < items.length; i++) {
    if (state.limitReached) return;
    const node = isSeq(seq) ? nodeAt(doc, seq, [i]) : undefined;
    const at = positionOf(state.lines, node ?? seq ?? root);
    const item = items[i];
    if (!node || !isMap(node) || typeof item !== 'object' || item === null || Array.isArray(item)) {
      const what = node ? describe(node) : 'missing';
      problem(state, at, 'load.not-a-mapping', `List item is ${what}, not a mapping: each item must be one object`, `items[${i}]`);
      continue;
    }
    const body = item as Record<string, unknown>;
    addDoc(state, at, { file: state.file, docIndex: index, body, pathPrefix: ['items', i], locate: makeLocate(doc, state.lines, node) });
  }
}

function addDoc(state: FileState, at: Position, doc: ManifestDoc): void {
  if (state.docs.length >= state.limits.documentsLeft) {
    const message = `more than ${state.limits.maxDocuments} documents (limit maxDocuments); this one and the rest are not read`;
    problem(state, at, 'load.max-documents', message);
    state.limitReached = true;
    return;
  }
  state.docs.push(doc);
}

function yamlProblem(state: FileState, doc: Document, e: YAMLError, severity: Severity): Problem {
  const at = state.lines.linePos(e.pos[0]);
  if (severity === 'warning') return fileProblem(state.file, at, 'yaml.warning', e.message, { severity });
  if (e.code === 'DUPLICATE_KEY') {
    const key = keyAt(doc, e.pos[0]);
    const message = key === undefined ? 'duplicate mapping key' : `duplicate mapping key '${key}'`;
    return fileProblem(state.file, at, 'yaml.duplicate-key', `${message}: keys must be unique`);
  }
  const message = e.code === 'RESOURCE_EXHAUSTION' ? `nested too deeply to parse (${e.message})` : e.message;
  return fileProblem(state.file, at, 'yaml.syntax', message);
}

/** The text of the mapping key starting at `offset` (only used to word an error). */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key as Node | null;
      if (isScalar(key) && key.range?.[0] === offset) {
        found = key.source ?? String(key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function describe(node: Node): string {
  if (isSeq(node)) return 'a sequence';
  if (isMap(node)) return 'a mapping';
  if (isScalar(node)) {
    const text = JSON.stringify(node.value) ?? String(node.value);
    return `a scalar (${text.length > 40 ? `${text.slice(0, 37)}...` : text})`;
  }
  return 'an alias';
}

function problem(state: FileState, at: Position, code: string, message: string, path = ''): void {
  state.problems.push(fileProblem(state.file, at, code, message, { path }));
}
