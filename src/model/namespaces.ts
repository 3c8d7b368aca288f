/**
 * The namespaces of a revision: the implicit `default`, one per Namespace object, and an
 * ERROR for every namespace an object uses without declaring it.
 */
import type { Problem } from '../util';
import { problemAt, type Located } from './located';
import { compareText } from '../util';
import type { NamespaceResource } from './types';

function implicitNamespace(name: string, source = { file: '', line: 0, col: 0 }): NamespaceResource {
  return { kind: 'Namespace', meta: { name, namespace: name, labels: {}, annotations: {}, source } };
}

export function collectNamespaces(entries: readonly Located[]): { namespaces: NamespaceResource[]; problems: Problem[] } {
  const declared = new Map<string, NamespaceResource>([['default', implicitNamespace('default')]]);
  for (const e of entries) if (e.resource.kind === 'Namespace') declared.set(e.resource.meta.name, e.resource);
  const listed = new Map(declared);
  const problems: Problem[] = [];
  for (const e of entries) {
    const ns = e.resource.meta.namespace;
    if (e.resource.kind === 'Namespace' || declared.has(ns)) continue;
    problems.push(problemAt(e.doc, ['metadata', 'namespace'], 'error', 'namespace.undeclared', `namespace "${ns}" is not declared (add a Namespace manifest)`));
    // Still listed (located at its first user), so every object's namespace exists in the state.
    if (!listed.has(ns)) listed.set(ns, implicitNamespace(ns, e.resource.meta.source));
  }
  const namespaces = [...listed.values()].sort((a, b) => compareText(a.meta.name, b.meta.name));
  return { namespaces, problems };
}
