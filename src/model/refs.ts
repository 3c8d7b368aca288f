/** The ConfigMaps and Secrets a pod spec references, from env, envFrom and volumes. */
import type { PathSegment } from '../manifests';
import { containersOf, volumePath, type PodSite } from './located';
import type { PodSpec } from './types';

export type RefKind = 'ConfigMap' | 'Secret';

export interface Ref {
  kind: RefKind;
  name: string;
  optional: boolean;
  /** Keys the reference needs, each with the path that names it. */
  keys: { key: string; path: PathSegment[] }[];
  namePath: PathSegment[];
}

/** Every ConfigMap/Secret reference of a pod site, from env, envFrom and volumes. */
export function refsOf(site: Pick<PodSite, 'spec' | 'specPath' | 'volumeIndexes'>): Ref[] {
  const refs: Ref[] = [];
  for (const { container, path } of containersOf(site)) {
    container.env.forEach((env, i) => {
      const at = [...path, 'env', i, 'valueFrom'];
      const cm = env.valueFrom?.configMapKeyRef;
      const sec = env.valueFrom?.secretKeyRef;
      if (cm)
        refs.push({
          kind: 'ConfigMap',
          name: cm.name,
          optional: cm.optional,
          namePath: [...at, 'configMapKeyRef', 'name'],
          keys: [{ key: cm.key, path: [...at, 'configMapKeyRef', 'key'] }],
        });
      if (sec)
        refs.push({
          kind: 'Secret',
          name: sec.name,
          optional: sec.optional,
          namePath: [...at, 'secretKeyRef', 'name'],
          keys: [{ key: sec.key, path: [...at, 'secretKeyRef', 'key'] }],
        });
    });
    container.envFrom.forEach((ef, i) => {
      const at = [...path, 'envFrom', i];
      if (ef.configMapRef)
        refs.push({ kind: 'ConfigMap', name: ef.configMapRef.name, optional: ef.configMapRef.optional, namePath: [...at, 'configMapRef', 'name'], keys: [] });
      if (ef.secretRef)
        refs.push({ kind: 'Secret', name: ef.secretRef.name, optional: ef.secretRef.optional, namePath: [...at, 'secretRef', 'name'], keys: [] });
    });
  }
  site.spec.volumes.forEach((v, i) => {
    const at = volumePath(site, i);
    if (v.type === 'projected') {
      refs.push(...projectedRefs(v, at));
      return;
    }
    if (v.type !== 'configMap' && v.type !== 'secret') return;
    const field = v.type;
    const keys = (v.items ?? []).map((item, j) => ({ key: item.key, path: [...at, field, 'items', j, 'key'] }));
    if (v.type === 'configMap') refs.push({ kind: 'ConfigMap', name: v.configMapName, optional: v.optional, namePath: [...at, 'configMap', 'name'], keys });
    else refs.push({ kind: 'Secret', name: v.secretName, optional: v.optional, namePath: [...at, 'secret', 'secretName'], keys });
  });
  return refs;
}

/** The ConfigMap and Secret sources of a projected volume (they replace the pod when they change, as a volume of their own would). */
function projectedRefs(v: Extract<PodSpec['volumes'][number], { type: 'projected' }>, at: PathSegment[]): Ref[] {
  return v.sources.flatMap((src, j): Ref[] => {
    if (src.type === 'downwardAPI') return [];
    const base = [...at, 'projected', 'sources', j, src.type];
    const keys = (src.items ?? []).map((item, k) => ({ key: item.key, path: [...base, 'items', k, 'key'] }));
    return [{ kind: src.type === 'configMap' ? 'ConfigMap' : 'Secret', name: src.name, optional: src.optional, namePath: [...base, 'name'], keys }];
  });
}

/** The names of the ConfigMaps and Secrets a pod spec uses (env, envFrom, volumes), sorted. */
export function referencedObjects(spec: PodSpec): { configMaps: string[]; secrets: string[] } {
  const refs = refsOf({ spec, specPath: [], volumeIndexes: [] });
  const names = (kind: RefKind) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.name))].sort();
  return { configMaps: names('ConfigMap'), secrets: names('Secret') };
}
