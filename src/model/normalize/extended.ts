/**
 * Extended resources (`<domain>/<name>` in resources.limits/requests). `nvidia.com/gpu` is
 * the one a Docker host can honour: a GPU device request for that many GPUs (`docker run
 * --gpus N`). Any other one is advertised by a device plugin on a Kubernetes node and means
 * nothing here: a warning, not a typo error. `hugepages-*` likewise.
 */
import type { DocProblems } from '../located';
import { obj, type Obj } from '../reader';
import type { PathSegment } from '../../manifests';

export const GPU_RESOURCE = 'nvidia.com/gpu';

const isExtended = (key: string) => key.includes('/') || key.startsWith('hugepages-');

/** The number of GPUs asked for (limits win; requests alone, as Kubernetes defaults limits from them), warnings for the rest. */
export function normalizeExtended(p: DocProblems, r: Obj, path: readonly PathSegment[]): { gpus?: number } {
  let gpus: number | undefined;
  for (const section of ['requests', 'limits'] as const) {
    for (const [key, value] of Object.entries(obj(r[section]))) {
      if (!isExtended(key)) continue;
      const at = [...path, section, key];
      if (key !== GPU_RESOURCE) {
        p.warn(
          at,
          'resources.extended',
          `extended resource "${key}" is not provided on a Docker host: ignored (only ${GPU_RESOURCE} becomes a Docker GPU request)`,
        );
        continue;
      }
      const n = wholeNumber(value);
      if (n === undefined) {
        p.error(at, 'resources.gpu', `invalid value ${JSON.stringify(value)}: ${GPU_RESOURCE} must be a whole number of GPUs`);
        continue;
      }
      if (section === 'limits' || gpus === undefined) gpus = n;
    }
  }
  return gpus ? { gpus } : {};
}

function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^[0-9]+$/.test(v)) return Number(v);
  return undefined;
}
