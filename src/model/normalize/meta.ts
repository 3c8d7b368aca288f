import type { ManifestDoc } from '../../manifests';
import { obj, str, strMap } from '../reader';
import type { Kind, Meta } from '../types';

/** Metadata with defaults: namespace `default` (a Namespace's namespace is its own name). */
export function normalizeMeta(doc: ManifestDoc, kind: Kind): Meta {
  const md = obj(doc.body.metadata);
  const name = str(md.name) ?? '';
  const pos = doc.locate(['metadata', 'name'], 'value');
  return {
    name,
    namespace: kind === 'Namespace' ? name : str(md.namespace) || 'default',
    labels: strMap(md.labels),
    annotations: strMap(md.annotations),
    source: { file: doc.file, line: pos.line, col: pos.col },
  };
}
