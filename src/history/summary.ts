/**
 * A workload's pods on the engine, per template hash (the ReplicaSets of `kubectl rollout
 * status`): how many, running, ready, available, and which commits they carry. Pure.
 */
import type { PodView } from '../health';
import type { ObservedPod } from '../observe';
import type { RunningTemplate } from './target';
import type { WorkloadId } from './types';
import { compareText } from '../util';

export interface TemplateSummary {
  hash: string;
  /** The template the workload's spec asks for (when the spec is known). */
  current: boolean;
  /** `io.berth.revision` values of these pods, newest pod first. */
  revisions: string[];
  pods: number;
  running: number;
  ready: number;
  /** Ready for at least minReadySeconds. */
  available: number;
}

export function podsOf(pods: readonly ObservedPod[], id: WorkloadId): ObservedPod[] {
  return pods.filter((p) => p.kind === id.kind && p.namespace === id.namespace && p.owner === id.name);
}

/** Workloads of rollout kinds that have pods on the engine. */
export function observedWorkloads(pods: readonly ObservedPod[]): WorkloadId[] {
  const out = new Map<string, WorkloadId>();
  for (const p of pods) {
    if (p.kind !== 'Deployment' && p.kind !== 'StatefulSet') continue;
    out.set(`${p.kind}/${p.namespace}/${p.owner}`, { kind: p.kind, namespace: p.namespace, name: p.owner });
  }
  return [...out.values()];
}

export function createdAt(p: ObservedPod): number {
  return Math.max(0, ...[...(p.infra ? [p.infra] : []), ...p.containers].map((c) => c.createdAt));
}

/** Newest pod first; equal times by name, so the order is stable. */
function byNewest(pods: readonly ObservedPod[]): ObservedPod[] {
  return [...pods].sort((a, b) => createdAt(b) - createdAt(a) || compareText(a.name, b.name));
}

/**
 * The template the workload runs now: that of its newest pod (a rollout in progress creates
 * the new template's pods; a rollback creates the old one's again). undefined without pods.
 */
export function runningTemplate(pods: readonly ObservedPod[]): RunningTemplate | undefined {
  const sorted = byNewest(pods);
  const hash = sorted[0]?.specHash;
  if (hash === undefined) return undefined;
  return { hash, revisions: unique(sorted.filter((p) => p.specHash === hash).map((p) => p.revision)) };
}

export interface SummaryTarget {
  hash: string;
  minReadySeconds: number;
}

export function summarizeTemplates(pods: readonly ObservedPod[], views: readonly PodView[], target: SummaryTarget | undefined, now: number): TemplateSummary[] {
  const viewOf = new Map(views.map((v) => [`${v.namespace}/${v.name}`, v]));
  const minReadyMs = (target?.minReadySeconds ?? 0) * 1000;
  const out = new Map<string, TemplateSummary>();
  for (const p of byNewest(pods)) {
    const s = out.get(p.specHash) ?? { hash: p.specHash, current: p.specHash === target?.hash, revisions: [], pods: 0, running: 0, ready: 0, available: 0 };
    const v = viewOf.get(`${p.namespace}/${p.name}`);
    s.pods++;
    if (p.containers.length > 0 && p.containers.every((c) => c.state === 'running')) s.running++;
    if (v?.ready) s.ready++;
    if (v?.ready && v.readySince !== undefined && now - v.readySince >= minReadyMs) s.available++;
    if (!s.revisions.includes(p.revision)) s.revisions.push(p.revision);
    out.set(p.specHash, s);
  }
  // The spec's template first, then the others as their newest pod came.
  return [...out.values()].sort((a, b) => Number(b.current) - Number(a.current));
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
