/**
 * io.berth.* labels. Every object carries managed, instance, namespace, kind, owner and
 * revision. kind: Pod | Deployment | StatefulSet on pod containers, Namespace on networks,
 * PersistentVolumeClaim or emptyDir on volumes. Pod containers add pod, container (`POD` for
 * the infra container), spec-hash (the only label planning compares) and, for StatefulSets,
 * ordinal. revision records the commit and is never compared.
 */
import { LABEL, type Labels } from '../runtime';
import type { PlanContext } from './types';

export function baseLabels(ctx: PlanContext, namespace: string, kind: string, owner: string): Labels {
  return {
    [LABEL.managed]: 'true',
    [LABEL.instance]: ctx.instance,
    [LABEL.namespace]: namespace,
    [LABEL.kind]: kind,
    [LABEL.owner]: owner,
    [LABEL.revision]: ctx.revision,
  };
}

export function networkLabels(ctx: PlanContext, namespace: string): Labels {
  return baseLabels(ctx, namespace, 'Namespace', namespace);
}

export interface PodIdentity {
  namespace: string;
  name: string;
  kind: string;
  owner: string;
  specHash: string;
  ordinal?: number;
  /** A Job's completions, for `berth get jobs` (labels alone); never compared. */
  jobCompletions?: number;
}

export function containerLabels(ctx: PlanContext, pod: PodIdentity, container: string): Labels {
  const labels = baseLabels(ctx, pod.namespace, pod.kind, pod.owner);
  labels[LABEL.pod] = pod.name;
  labels[LABEL.container] = container;
  labels[LABEL.specHash] = pod.specHash;
  if (pod.ordinal !== undefined) labels[LABEL.ordinal] = String(pod.ordinal);
  if (pod.jobCompletions !== undefined) labels[JOB_COMPLETIONS_LABEL] = String(pod.jobCompletions);
  return labels;
}

/** On a Job's pods: its completions (see PodIdentity.jobCompletions). */
export const JOB_COMPLETIONS_LABEL = 'io.berth.job-completions';

/** A PVC volume: owner is the claim, or the StatefulSet for a volumeClaimTemplate's claim. */
export function claimLabels(ctx: PlanContext, namespace: string, owner: string, ordinal?: number): Labels {
  const labels = baseLabels(ctx, namespace, 'PersistentVolumeClaim', owner);
  if (ordinal !== undefined) labels[LABEL.ordinal] = String(ordinal);
  return labels;
}

export function emptyDirLabels(ctx: PlanContext, pod: PodIdentity): Labels {
  const labels = baseLabels(ctx, pod.namespace, 'emptyDir', pod.owner);
  labels[LABEL.pod] = pod.name;
  return labels;
}
