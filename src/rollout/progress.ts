/**
 * Readiness and progress as the rollout rules see them. Pure.
 * - available: ready for at least the workload's minReadySeconds (Kubernetes' rule).
 * - progress (Kubernetes' progressDeadlineSeconds): a workload progresses when berth acts on
 *   it or when more of its up-to-date pods are ready than ever before in this apply; one that
 *   does neither for its deadline has failed. The clock is per workload, so a slow one does
 *   not borrow time from a quick one, and it is saved in the state directory (ProgressStore),
 *   so a restart does not reset it.
 */
import { resourceKey, templatedWorkloads, type DesiredState } from '../model';
import type { PodView, WorkloadHealth } from '../health';
import type { Action } from '../plan';
import type { ReadinessMap } from './strategy';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../util';

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
  for (const w of templatedWorkloads(desired)) {
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

/** What a restarted operator needs to continue a rollout's clocks: per workload, last progress and best ready count. */
export interface ProgressState {
  /** `<mode>:<revision>`: a clock belongs to one target. */
  target: string;
  last: Record<string, number>;
  best: Record<string, number>;
}

export class ProgressClock {
  private readonly workloads: Map<string, Workload>;
  private readonly last: Map<string, number>;
  private readonly best: Map<string, number>;
  readonly target: string;

  /** A clock for `target`, continuing `saved` when it is the same target (a restart resets nothing). */
  constructor(desired: DesiredState, target: string, start: number, saved?: ProgressState) {
    this.workloads = workloads(desired);
    this.target = target;
    const from = saved?.target === target ? saved : undefined;
    this.last = new Map(Object.entries(from?.last ?? {}));
    this.best = new Map(Object.entries(from?.best ?? {}));
    for (const key of this.workloads.keys()) if (!this.last.has(key)) this.last.set(key, start);
  }

  /** Records this turn: the pods seen and the actions about to run. true when anything changed. */
  observe(views: readonly PodView[], step: readonly Action[], now: number): boolean {
    let changed = false;
    for (const a of step) {
      if (this.last.has(a.key)) {
        this.last.set(a.key, now);
        changed = true;
      }
    }
    for (const [key, w] of this.workloads) {
      const ready = views.filter((v) => v.ownerKey === key && v.specHash === w.hash && v.ready).length;
      if (ready > (this.best.get(key) ?? 0)) {
        this.best.set(key, ready);
        this.last.set(key, now);
        changed = true;
      }
    }
    return changed;
  }

  /** Workloads still progressing that made no progress for their deadline (a paused, Suspended one never stalls). */
  stalled(health: readonly WorkloadHealth[], now: number): WorkloadHealth[] {
    return health.filter((h) => {
      const w = this.workloads.get(h.key);
      return h.health !== 'Healthy' && h.health !== 'Suspended' && w !== undefined && now - (this.last.get(h.key) ?? now) > w.deadlineSeconds * 1000;
    });
  }

  state(): ProgressState {
    return { target: this.target, last: Object.fromEntries(this.last), best: Object.fromEntries(this.best) };
  }
}

/**
 * The clock of the rollout in progress, in the state directory, so that a restarted
 * operator measures the deadline from when the rollout really last progressed.
 */
export class ProgressStore {
  readonly file: string;

  constructor(stateDir: string, instance: string) {
    this.file = path.join(stateDir, `progress-${instance}.json`);
  }

  async load(): Promise<ProgressState | undefined> {
    try {
      const v = JSON.parse(await readFile(this.file, 'utf8')) as Partial<ProgressState>;
      return typeof v.target === 'string' && v.last && v.best ? (v as ProgressState) : undefined;
    } catch {
      return undefined;
    }
  }

  save(state: ProgressState): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(state) + '\n');
  }

  /** The rollout ended: a later rollout of the same target starts a fresh clock. */
  clear(): Promise<void> {
    return rm(this.file, { force: true });
  }
}
