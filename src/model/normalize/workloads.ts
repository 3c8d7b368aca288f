/**
 * Pods, Deployments and StatefulSets with Kubernetes' defaults (replicas 1, RollingUpdate
 * 25%/25%, progressDeadlineSeconds 600, revisionHistoryLimit 10, OrderedReady, partition 0).
 * Hashes are filled in later, once the whole set is known.
 */
import type { DocProblems } from '../located';
import { arr, bool, intOrString, num, obj, str, strList, strMap, type Obj } from '../reader';
import type { DeploymentResource, DeploymentStrategy, LabelSelector, PodResource, PodTemplate, StatefulSetResource, VolumeClaimTemplate } from '../types';
import { normalizeMeta } from './meta';
import { normalizeClaimSpec } from './objects';
import { normalizePodSpec, normalizeTemplate } from './pod';

export const PROGRESS_DEADLINE_ANNOTATION = 'berth.io/progress-deadline-seconds';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function normalizeSelector(raw: unknown): LabelSelector {
  const s = obj(raw);
  return {
    matchLabels: strMap(s.matchLabels),
    matchExpressions: arr(s.matchExpressions).map((x) => {
      const e = obj(x);
      const op = OPERATORS.find((o) => o === e.operator) ?? 'In';
      return { key: str(e.key) ?? '', operator: op, values: strList(e.values) };
    }),
  };
}

export function normalizePod(p: DocProblems): PodResource {
  const meta = normalizeMeta(p.doc, 'Pod');
  return { kind: 'Pod', meta, spec: normalizePodSpec(p, p.doc.body.spec, ['spec']), specHash: '' };
}

function normalizeStrategy(s: Obj): DeploymentStrategy {
  if (s.type === 'Recreate') return { type: 'Recreate' };
  const ru = obj(s.rollingUpdate);
  return { type: 'RollingUpdate', maxSurge: intOrString(ru.maxSurge) ?? '25%', maxUnavailable: intOrString(ru.maxUnavailable) ?? '25%' };
}

export function normalizeDeployment(p: DocProblems): DeploymentResource {
  const spec = obj(p.doc.body.spec);
  return {
    kind: 'Deployment',
    meta: normalizeMeta(p.doc, 'Deployment'),
    replicas: num(spec.replicas) ?? 1,
    selector: normalizeSelector(spec.selector),
    template: normalizeTemplate(p, spec.template, ['spec', 'template']),
    strategy: normalizeStrategy(obj(spec.strategy)),
    minReadySeconds: num(spec.minReadySeconds) ?? 0,
    progressDeadlineSeconds: num(spec.progressDeadlineSeconds) ?? 600,
    revisionHistoryLimit: num(spec.revisionHistoryLimit) ?? 10,
    paused: bool(spec.paused) ?? false,
    templateHash: '',
  };
}

function claimTemplate(p: DocProblems, raw: unknown, index: number): VolumeClaimTemplate {
  const t = obj(raw);
  return { name: str(obj(t.metadata).name) ?? '', ...normalizeClaimSpec(p, t.spec, ['spec', 'volumeClaimTemplates', index, 'spec']) };
}

/** StatefulSets and DaemonSets have no progress deadline in Kubernetes; berth's is 600 s unless annotated. */
export function progressDeadlineOf(p: DocProblems, annotations: Record<string, string>): number {
  const given = annotations[PROGRESS_DEADLINE_ANNOTATION];
  if (given === undefined) return 600;
  if (/^[0-9]+$/.test(given.trim()) && Number(given) > 0) return Number(given);
  p.error(
    ['metadata', 'annotations', PROGRESS_DEADLINE_ANNOTATION],
    'annotation.invalid',
    `${PROGRESS_DEADLINE_ANNOTATION} "${given}" must be a positive whole number of seconds`,
  );
  return 600;
}

/**
 * A claim template overrides the pod volume of the same name, as Kubernetes' StatefulSet
 * controller does (updateStorage): the pod never has that volume, so nothing checks it.
 */
function withoutClaimedVolumes(template: PodTemplate, claims: readonly VolumeClaimTemplate[]): PodTemplate {
  const claimed = new Set(claims.map((c) => c.name));
  return { ...template, spec: { ...template.spec, volumes: template.spec.volumes.filter((v) => !claimed.has(v.name)) } };
}

export function normalizeStatefulSet(p: DocProblems): StatefulSetResource {
  const spec = obj(p.doc.body.spec);
  const meta = normalizeMeta(p.doc, 'StatefulSet');
  const us = obj(spec.updateStrategy);
  const volumeClaimTemplates = arr(spec.volumeClaimTemplates).map((t, i) => claimTemplate(p, t, i));
  return {
    kind: 'StatefulSet',
    meta,
    replicas: num(spec.replicas) ?? 1,
    serviceName: str(spec.serviceName) ?? '',
    selector: normalizeSelector(spec.selector),
    template: withoutClaimedVolumes(normalizeTemplate(p, spec.template, ['spec', 'template']), volumeClaimTemplates),
    volumeClaimTemplates,
    podManagementPolicy: spec.podManagementPolicy === 'Parallel' ? 'Parallel' : 'OrderedReady',
    updateStrategy: us.type === 'OnDelete' ? { type: 'OnDelete' } : { type: 'RollingUpdate', partition: num(obj(us.rollingUpdate).partition) ?? 0 },
    minReadySeconds: num(spec.minReadySeconds) ?? 0,
    progressDeadlineSeconds: progressDeadlineOf(p, meta.annotations),
    templateHash: '',
  };
}
