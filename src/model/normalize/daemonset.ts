/**
 * DaemonSets with Kubernetes' defaults: updateStrategy RollingUpdate, maxUnavailable 1,
 * maxSurge 0, minReadySeconds 0. Hashes are filled in later, once the whole set is known.
 */
import type { DocProblems } from '../located';
import { intOrString, num, obj } from '../reader';
import type { DaemonSetResource, DaemonSetStrategy } from '../types';
import { normalizeMeta } from './meta';
import { normalizeTemplate } from './pod';
import { normalizeSelector, progressDeadlineOf } from './workloads';

function normalizeStrategy(raw: unknown): DaemonSetStrategy {
  const s = obj(raw);
  if (s.type === 'OnDelete') return { type: 'OnDelete' };
  const ru = obj(s.rollingUpdate);
  return { type: 'RollingUpdate', maxSurge: intOrString(ru.maxSurge) ?? 0, maxUnavailable: intOrString(ru.maxUnavailable) ?? 1 };
}

export function normalizeDaemonSet(p: DocProblems): DaemonSetResource {
  const spec = obj(p.doc.body.spec);
  const meta = normalizeMeta(p.doc, 'DaemonSet');
  return {
    kind: 'DaemonSet',
    meta,
    selector: normalizeSelector(spec.selector),
    template: normalizeTemplate(p, spec.template, ['spec', 'template']),
    updateStrategy: normalizeStrategy(spec.updateStrategy),
    minReadySeconds: num(spec.minReadySeconds) ?? 0,
    progressDeadlineSeconds: progressDeadlineOf(p, meta.annotations),
    templateHash: '',
  };
}
