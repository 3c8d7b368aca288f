/**
 * Readiness and progress as the rollout rules see them. Pure.
 * - available: ready for at least the workload's minReadySeconds (Kubernetes' rule).
 * - progress (Kubernetes' progressDeadlineSeconds): a workload progresses when berth acts on
 *   it or when more of its up-to-date pods are ready than ever before in this apply; one that
 *   does neither for its deadline has failed. The clock is per workload, so a slow one does
 *   not borrow time from a quick one.
 */
import { resourceKey, type DesiredState } from '../model/types';
import type { PodView, WorkloadHealth } from '../health/workload';
import type { Action } from '../plan/types';
import type { ReadinessMap } from './strategy';

/** Bare Pods have no progressDeadlineSeconds in Kubernetes; berth gives them Kubernetes' Deployment default. */
const POD_DEADLINE_SECONDS = 600;

interface Workload {
  hash: string;
  minReadySeconds: number;
  deadlineSeconds: number;
}

function workloads(desired: DesiredState): Map<string, Workload> {
  const out = new Map<string, Workload>();
  for (const p of desired.pods) out.set(resourceKey(p), { hash: p.specHash, minReadySeconds: 0, deadlineSeconds: POD_DEADLINE_SECONDS });
  for (const w of [...desired.deployments, ...desired.statefulSets]) {
    out.set(resourceKey(w), { hash: w.templateHash, minReadySeconds: w.minReadySeconds, deadlineSeconds: w.progressDeadlineSeconds });
  }
  return out;
}

export function readinessOf(views: readonly PodView[], desired: DesiredState, now: number): ReadinessMap {
  const byKey = workloads(desired);
  return new Map(
    views.map((v) => {
      const minReadyMs = (byKey.get(v.ownerKey)?.minReadySeconds ?? 0) * 1000;
      const available = v.ready && v.readySince !== undefined && now - v.readySince >= minReadyMs;
      return [`${v.namespace}/${v.name}`, { ready: v.ready, available }];
    }),
  );
}

export class ProgressClock {
  private readonly workloads: Map<string, Workload>;
  private readonly last = new Map<string, number>();
  private readonly best = new Map<string, number>();

  constructor(desired: DesiredState, start: number) {
    this.workloads = workloads(desired);
    for (const key of this.workloads.keys()) this.last.set(key, start);
  }

  /** Records this turn: the pods seen and the actions about to run. */
  observe(views: readonly PodView[], step: readonly Action[], now: number): void {
    for (const a of step) if (this.last.has(a.key)) this.last.set(a.key, now);
    for (const [key, w] of this.workloads) {
      const ready = views.filter((v) => v.ownerKey === key && v.specHash === w.hash && v.ready).length;
      if (ready > (this.best.get(key) ?? 0)) {
        this.best.set(key, ready);
        this.last.set(key, now);
      }
    }
  }

  /** Workloads not healthy that made no progress for their deadline. */
  stalled(health: readonly WorkloadHealth[], now: number): WorkloadHealth[] {
    return health.filter((h) => {
      const w = this.workloads.get(h.key);
      return h.health !== 'Healthy' && w !== undefined && now - (this.last.get(h.key) ?? now) > w.deadlineSeconds * 1000;
    });
  }
}
