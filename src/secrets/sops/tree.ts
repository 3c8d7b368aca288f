/**
 * The values of a sops file in sops' order: every scalar leaf of every document, mappings in
 * key order, sequences in item order, the `sops` metadata key left out (getsops/sops
 * `walkBranch`/`walkSlice`). A leaf's `keys` are the mapping keys on its way (sequence
 * indices are not part of sops' path: items of a list share their parent's additional data);
 * `at` is its full path, indices included, for messages and positions. Null values are
 * skipped, as sops skips them. Comments never count (sops leaves them out of the MAC).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Scalar } from 'yaml';
import type { PathSegment } from '../../util';

export const SOPS_KEY = 'sops';

export interface Leaf {
  keys: string[];
  at: PathSegment[];
  /** The scalar as written (an alias's target when the value is an alias). */
  node: Scalar;
  /** True when the value is reached through an alias: it is read, never rewritten. */
  viaAlias: boolean;
}

export type Walked = { ok: true; leaves: Leaf[] } | { ok: false; reason: string; at: PathSegment[]; node?: Node };

/** Guards alias chains, like the loader's own bound (sops files have no aliases in practice). */
const MAX_DEPTH = 200;

export function leavesOf(doc: Document): Walked {
  const leaves: Leaf[] = [];
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return { ok: true, leaves };
  if (!isMap(root)) return { ok: false, reason: 'a sops document must be a mapping', at: [], node: root };
  const failure = walk(doc, root, [], [], leaves, false, 0, true);
  return failure ?? { ok: true, leaves };
}

function walk(
  doc: Document,
  node: Node | null,
  keys: string[],
  at: PathSegment[],
  out: Leaf[],
  viaAlias: boolean,
  depth: number,
  top = false,
): Walked | undefined {
  if (depth > MAX_DEPTH) return { ok: false, reason: 'nested too deeply', at };
  if (node === null) return undefined;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target ? walk(doc, target as Node, keys, at, out, true, depth + 1) : { ok: false, reason: 'unresolved alias', at, node };
  }
  if (isScalar(node)) {
    if (node.value !== null && node.value !== undefined) out.push({ keys, at, node, viaAlias });
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const failure = walk(doc, node.items[i] as Node | null, keys, [...at, i], out, viaAlias, depth + 1);
      if (failure) return failure;
    }
    return undefined;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        return { ok: false, reason: 'a mapping key is not a plain scalar', at, node: keyNode ?? node };
      }
      const key = String(keyNode.value);
      if (top && key === SOPS_KEY) continue;
      const failure = walk(doc, pair.value as Node | null, [...keys, key], [...at, key], out, viaAlias, depth + 1);
      if (failure) return failure;
    }
    return undefined;
  }
  return { ok: false, reason: 'unsupported YAML node', at };
}

/** Remove the top-level `sops` key of a document (sops erases it from every document). */
export function dropSopsKey(doc: Document): void {
  const root = doc.contents as Node | null;
  if (isMap(root)) root.items = root.items.filter((p) => !(isScalar(p.key) && p.key.value === SOPS_KEY));
}

/** The `sops` mapping of a document, if it has one. */
export function sopsNodeOf(doc: Document): Node | undefined {
  const root = doc.contents as Node | null;
  if (!isMap(root)) return undefined;
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === SOPS_KEY);
  return (pair?.value as Node | null) ?? undefined;
}
