/**
 * Source positions of fields: walks the parsed `yaml` AST kept from loading (never re-parses)
 * and turns node offsets into 1-based line/column through the file's LineCounter.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { positionOf } from '../util';
import type { ManifestDoc, PathSegment } from './types';

type AnyNode = Node | null | undefined;

/** Where a walk along a path ended. */
interface Reached {
  /** The (alias-resolved) node at the end of the walk. */
  node: Node;
  /** The node as written at the last step (an alias stays an alias). */
  written: Node;
  /** The key of the last mapping step; undefined when the last step was a sequence index. */
  key?: Node;
  /** True when every segment of the path was found. */
  complete: boolean;
}

/** Merge keys (`<<`) nest only as deep as anchors do; a bound keeps bad input harmless. */
const MAX_MERGE_DEPTH = 32;

/** Build `locate` for the object whose AST node is `base` (a document's root or a List item). */
export function makeLocate(doc: Document, lines: LineCounter, base: Node): ManifestDoc['locate'] {
  return (path, at = 'key') => {
    const reached = walk(doc, base, path);
    return positionOf(lines, pick(reached, at));
  };
}

/** The (alias-resolved) node at `path` under `base`, or undefined when the path does not exist. */
export function nodeAt(doc: Document, base: Node, path: readonly PathSegment[]): Node | undefined {
  const reached = walk(doc, base, path);
  return reached.complete ? reached.node : undefined;
}

function pick(reached: Reached, at: 'key' | 'value'): Node {
  // A missing path points at its deepest existing ancestor, as a key (the field that
  // should contain the missing one).
  if (!reached.complete || at === 'key') return reached.key ?? reached.written;
  const value = reached.written;
  // An empty value (`name:` with nothing after it) has a zero-width range: the key reads better.
  const range = isScalar(value) ? value.range : undefined;
  const empty = range != null && range[0] === range[1];
  return empty && reached.key ? reached.key : value;
}

function walk(doc: Document, base: Node, path: readonly PathSegment[]): Reached {
  let reached: Reached = { node: resolve(doc, base), written: base, complete: true };
  for (const segment of path) {
    const next = step(doc, reached.node, segment);
    if (!next) return { ...reached, complete: false };
    reached = next;
  }
  return reached;
}

function step(doc: Document, node: Node, segment: PathSegment): Reached | undefined {
  if (isMap(node)) {
    const pair = findPair(doc, node, String(segment), 0);
    if (!pair || !pair.value) return pair ? keyOnly(pair) : undefined;
    const written = pair.value as Node;
    return { node: resolve(doc, written), written, key: pair.key as Node, complete: true };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment] as AnyNode;
    if (!item) return undefined;
    return { node: resolve(doc, item), written: item, complete: true };
  }
  return undefined;
}

/** A pair without a value node (`{a}` in flow style): the key stands for both. */
function keyOnly(pair: Pair): Reached | undefined {
  const key = pair.key as AnyNode;
  if (!key) return undefined;
  return { node: key, written: key, key, complete: true };
}

function findPair(doc: Document, map: YAMLMap, name: string, depth: number): Pair | undefined {
  for (const pair of map.items) {
    if (keyName(pair.key) === name) return pair;
  }
  if (depth >= MAX_MERGE_DEPTH) return undefined;
  // Keys brought in by merge keys (`<<: *defaults`): earlier sources win, as in YAML 1.1.
  for (const pair of map.items) {
    if (!isMergeKey(pair.key) || !pair.value) continue;
    const source = resolve(doc, pair.value as Node);
    const sources = isSeq(source) ? source.items.map((s) => resolve(doc, s as Node)) : [source];
    for (const s of sources) {
      const found = isMap(s) ? findPair(doc, s, name, depth + 1) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/** The key as it appears in the plain JS body (the `yaml` package's own stringification). */
function keyName(key: unknown): string | undefined {
  if (!isScalar(key) || typeof key.value === 'symbol') return undefined;
  return key.value === null ? '' : String(key.value);
}

/** With `merge: true` the `yaml` package gives a merge key (`<<`) a symbol as its value. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

function resolve(doc: Document, node: Node): Node {
  if (!isAlias(node)) return node;
  return (node.resolve(doc) as Node | undefined) ?? node;
}
