/** Two documents declaring the same kind/namespace/name: the second one is reported. */
import { describe, problemAt, sourceText, type Located } from '../located';
import type { Problem } from '../../util';

export interface Duplicate {
  entry: Located;
  first: Located;
}

function keyOf(e: Located): string {
  return `${e.resource.kind}/${e.resource.meta.namespace}/${e.resource.meta.name}`;
}

/** Keeps the first of each kind/namespace/name, in document order, and lists the others. */
export function dedupe(entries: readonly Located[]): { kept: Located[]; duplicates: Duplicate[] } {
  const seen = new Map<string, Located>();
  const kept: Located[] = [];
  const duplicates: Duplicate[] = [];
  for (const e of entries) {
    const first = seen.get(keyOf(e));
    if (first) duplicates.push({ entry: e, first });
    else {
      seen.set(keyOf(e), e);
      kept.push(e);
    }
  }
  return { kept, duplicates };
}

export function duplicateProblems(duplicates: readonly Duplicate[]): Problem[] {
  return duplicates.map(({ entry, first }) =>
    problemAt(
      entry.doc,
      ['metadata', 'name'],
      'error',
      'dup.resource',
      `${describe(entry.resource)} is already declared at ${sourceText(first.resource.meta.source)}`,
    ),
  );
}
