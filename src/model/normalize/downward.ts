/**
 * downwardAPI and projected volumes, and the resourceFieldRef they share with env, with
 * Kubernetes' defaults: divisor "1", file mode 0644 unless the item or volume says otherwise.
 */
import { arr, bool, num, obj, str, type Obj } from '../reader';
import type { DownwardAPIItem, ProjectedSource, ResourceFieldRef, Volume } from '../types';

const DEFAULT_MODE = 0o644;

export function resourceFieldRef(o: Obj): ResourceFieldRef {
  const divisor = o.divisor;
  const ref: ResourceFieldRef = {
    resource: (str(o.resource) ?? 'limits.cpu') as ResourceFieldRef['resource'],
    divisor: typeof divisor === 'number' ? String(divisor) : (str(divisor) ?? '1'),
  };
  if (str(o.containerName)) ref.containerName = str(o.containerName);
  return ref;
}

function downwardItems(raw: unknown): DownwardAPIItem[] {
  return arr(raw).map((x) => {
    const o = obj(x);
    const item: DownwardAPIItem = { path: str(o.path) ?? '' };
    if (o.fieldRef !== undefined) item.fieldRef = { fieldPath: str(obj(o.fieldRef).fieldPath) ?? '' };
    if (o.resourceFieldRef !== undefined) item.resourceFieldRef = resourceFieldRef(obj(o.resourceFieldRef));
    if (num(o.mode) !== undefined) item.mode = num(o.mode);
    return item;
  });
}

function keyItems(v: unknown): { key: string; path: string }[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => ({ key: str(obj(x).key) ?? '', path: str(obj(x).path) ?? '' }));
}

function projection(o: Obj): ProjectedSource | undefined {
  for (const type of ['configMap', 'secret'] as const) {
    if (o[type] === undefined) continue;
    const c = obj(o[type]);
    const items = keyItems(c.items);
    return { type, name: str(c.name) ?? '', optional: bool(c.optional) ?? false, ...(items ? { items } : {}) };
  }
  if (o.downwardAPI !== undefined) return { type: 'downwardAPI', items: downwardItems(obj(o.downwardAPI).items) };
  return undefined; // serviceAccountToken, clusterTrustBundle, podCertificate: warned about (schema/ignored.ts)
}

export function downwardVolume(name: string, v: Obj): Volume | undefined {
  if (v.downwardAPI !== undefined) {
    const d = obj(v.downwardAPI);
    return { name, type: 'downwardAPI', items: downwardItems(d.items), defaultMode: num(d.defaultMode) ?? DEFAULT_MODE };
  }
  if (v.projected !== undefined) {
    const p = obj(v.projected);
    const sources = arr(p.sources).flatMap((s) => {
      const src = projection(obj(s));
      return src ? [src] : [];
    });
    return { name, type: 'projected', sources, defaultMode: num(p.defaultMode) ?? DEFAULT_MODE };
  }
  return undefined;
}
