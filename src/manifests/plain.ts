/**
 * From a parsed document to its plain JS value, with the guards the `yaml` package leaves to
 * its caller: alias expansion bounded by `maxAliasCount` (it is enforced only in `toJS`),
 * self-referencing aliases refused, mapping keys that JSON cannot hold refused.
 */
import { isAlias, isCollection, visit, type Document, type Node } from 'yaml';

export type PlainOutcome =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'alias-limit' | 'alias-cycle'; message: string }
  | { ok: false; reason: 'unresolved-alias'; message: string; node?: Node }
  | { ok: false; reason: 'other'; message: string };

export function toPlain(doc: Document, maxAliasCount: number): PlainOutcome {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    return failure(doc, err, maxAliasCount);
  }
  if (hasCycle(value)) {
    return { ok: false, reason: 'alias-cycle', message: 'an alias refers to a node that contains it (a cycle): refused' };
  }
  return { ok: true, value };
}

function failure(doc: Document, err: unknown, maxAliasCount: number): PlainOutcome {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ReferenceError && message.startsWith('Unresolved alias')) {
    const node = firstUnresolvedAlias(doc);
    const name = node && isAlias(node) ? ` *${node.source}` : '';
    return { ok: false, reason: 'unresolved-alias', message: `alias${name} refers to no anchor defined before it`, node };
  }
  if (err instanceof ReferenceError) {
    return {
      ok: false,
      reason: 'alias-limit',
      message: `document expands YAML aliases beyond the limit (maxAliasCount ${maxAliasCount}): refused, as a guard against "billion laughs" expansion`,
    };
  }
  if (err instanceof RangeError) return { ok: false, reason: 'other', message: `document is nested too deeply to load (${message})` };
  return { ok: false, reason: 'other', message: `cannot convert document: ${message}` };
}

/** The first alias (in document order) used before any anchor of its name is defined. */
function firstUnresolvedAlias(doc: Document): Node | undefined {
  const anchors = new Set<string>();
  let found: Node | undefined;
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          found = node;
          return visit.BREAK;
        }
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
      return undefined;
    },
  });
  return found;
}

/** The first mapping key that is itself a mapping or a sequence (JSON has only string keys). */
export function firstComplexKey(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        found = pair.key;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * True when the value contains itself. `toJS` shares one object for every alias of an
 * anchor, so the graph is a DAG unless an alias sits inside its own anchor (`&a [*a]`).
 * Iterative (no recursion limit); each object is expanded once.
 */
export function hasCycle(root: unknown): boolean {
  if (!isObject(root)) return false;
  const done = new Set<object>();
  const onPath = new Set<object>();
  const stack: Array<{ node: object; leave: boolean }> = [{ node: root, leave: false }];
  while (stack.length > 0) {
    const { node, leave } = stack.pop()!;
    if (leave) {
      onPath.delete(node);
      done.add(node);
      continue;
    }
    if (done.has(node)) continue;
    onPath.add(node);
    stack.push({ node, leave: true });
    for (const child of Object.values(node)) {
      if (!isObject(child) || done.has(child)) continue;
      if (onPath.has(child)) return true;
      stack.push({ node: child, leave: false });
    }
  }
  return false;
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}
