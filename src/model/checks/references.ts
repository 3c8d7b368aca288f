/**
 * Every ConfigMap, Secret and PersistentVolumeClaim a pod uses must exist in its namespace
 * (unless the reference is `optional: true`), and every key it names must exist in it.
 */
import type { Problem } from '../../util';
import { problemAt, volumePath, type ModelIndex, type PodSite, type Rule } from '../located';
import { refsOf, type Ref, type RefKind } from '../refs';

const CODE: Record<RefKind, string> = { ConfigMap: 'ref.configmap', Secret: 'ref.secret' };

function keysOf(m: ModelIndex, kind: RefKind, namespace: string, name: string): Set<string> | undefined {
  if (kind === 'ConfigMap') {
    const cm = m.find('ConfigMap', namespace, name)?.resource;
    return cm && new Set([...Object.keys(cm.data), ...Object.keys(cm.binaryData)]);
  }
  const sec = m.find('Secret', namespace, name)?.resource;
  return sec && new Set(Object.keys(sec.data));
}

function checkRef(m: ModelIndex, site: PodSite, ref: Ref): Problem[] {
  if (ref.optional) return [];
  const keys = keysOf(m, ref.kind, site.namespace, ref.name);
  if (!keys) {
    return [
      problemAt(
        site.doc,
        ref.namePath,
        'error',
        CODE[ref.kind],
        `${ref.kind} "${ref.name}" does not exist in namespace "${site.namespace}" (declare it, or set optional: true)`,
      ),
    ];
  }
  return ref.keys
    .filter((k) => !keys.has(k.key))
    .map((k) =>
      problemAt(
        site.doc,
        k.path,
        'error',
        `${CODE[ref.kind]}-key`,
        `key "${k.key}" does not exist in ${ref.kind} "${ref.name}" (keys: ${[...keys].sort().join(', ') || 'none'})`,
      ),
    );
}

function checkClaims(m: ModelIndex, site: PodSite): Problem[] {
  const out: Problem[] = [];
  site.spec.volumes.forEach((v, i) => {
    if (v.type !== 'persistentVolumeClaim' || m.find('PersistentVolumeClaim', site.namespace, v.claimName)) return;
    const path = [...volumePath(site, i), 'persistentVolumeClaim', 'claimName'];
    out.push(problemAt(site.doc, path, 'error', 'ref.pvc', `PersistentVolumeClaim "${v.claimName}" does not exist in namespace "${site.namespace}"`));
  });
  return out;
}

export const referencesExist: Rule = (m) => m.pods.flatMap((site) => [...refsOf(site).flatMap((ref) => checkRef(m, site, ref)), ...checkClaims(m, site)]);
