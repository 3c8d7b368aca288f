/**
 * Stage 1: every document into its typed resource, defaults applied. Problems found while
 * normalising (bad quantities, unsupported volume types, ...) are returned, not thrown.
 */
import type { ManifestDoc } from '../../manifests';
import type { Problem } from '../../util';
import { DocProblems, type Located } from '../located';
import type { Kind, Resource } from '../types';
import { normalizeConfigMap, normalizeNamespace, normalizePvc, normalizeSecret, normalizeService } from './objects';
import { normalizeDeployment, normalizePod, normalizeStatefulSet } from './workloads';
import { normalizeCronJob, normalizeJob } from './jobs';
import { normalizeDaemonSet } from './daemonset';
import { normalizeIngress, normalizeIngressClass } from './ingress';

const NORMALIZERS: Record<Kind, (p: DocProblems) => Resource> = {
  Namespace: normalizeNamespace,
  ConfigMap: normalizeConfigMap,
  Secret: normalizeSecret,
  PersistentVolumeClaim: normalizePvc,
  Service: normalizeService,
  Pod: normalizePod,
  Deployment: normalizeDeployment,
  StatefulSet: normalizeStatefulSet,
  Job: normalizeJob,
  CronJob: normalizeCronJob,
  DaemonSet: normalizeDaemonSet,
  Ingress: normalizeIngress,
  IngressClass: normalizeIngressClass,
};

export function normalizeDoc(doc: ManifestDoc): { entry?: Located; problems: Problem[] } {
  const p = new DocProblems(doc);
  const kind = doc.body.kind;
  if (typeof kind !== 'string' || !Object.prototype.hasOwnProperty.call(NORMALIZERS, kind)) {
    p.error(['kind'], 'kind.unknown', `kind ${JSON.stringify(kind)} is not supported (use ${Object.keys(NORMALIZERS).join(', ')})`);
    return { problems: p.problems };
  }
  const resource = NORMALIZERS[kind as Kind](p);
  return { entry: { resource, doc }, problems: p.problems };
}

export function normalizeDocs(docs: readonly ManifestDoc[]): { entries: Located[]; problems: Problem[] } {
  const entries: Located[] = [];
  const problems: Problem[] = [];
  for (const doc of docs) {
    const r = normalizeDoc(doc);
    if (r.entry) entries.push(r.entry);
    problems.push(...r.problems);
  }
  return { entries, problems };
}
