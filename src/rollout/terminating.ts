/**
 * Terminating is a state, not a wait (Kubernetes' deletionTimestamp): a pod being removed is
 * recorded here with its deadline, and from then on it counts toward nothing: not replicas,
 * not maxSurge, not availability, not Service endpoints. Docker stops it in the background
 * (`docker stop` with the time left: the engine itself sends SIGTERM, then SIGKILL at the
 * deadline, and keeps doing so if berth dies; its restart policy does not bring it back),
 * and the reaper removes its containers and emptyDir volumes once they have exited, or by
 * force at the deadline.
 *
 * Where the deadline is kept: in the state directory (`terminating-<instance>.json`, written
 * atomically), not on the engine. Docker's labels cannot change after creation, and renaming
 * the container would change its DNS name while it drains and break the name-based
 * idempotency of every action. A restarted operator reads the ledger and finds its pods
 * terminating with the same deadline; if the ledger is lost, a pod still running looks like
 * an ordinary old pod and is simply terminated again.
 *
 * This file is the pure part and the ledger file; terminator.ts does the I/O.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ObservedPod, ObservedState, TerminatingPod } from '../observe';
import type { ContainerSummary } from '../runtime';
import { writeFileAtomic } from '../util';

export interface TerminationRecord {
  /** Resource key of the workload that shed the pod. */
  key: string;
  namespace: string;
  pod: string;
  /** App containers first, the infra container last (as RemovePodAction). */
  containerIds: string[];
  /** Sidecars among them, stopped after the app containers (as RemovePodAction). */
  sidecarIds?: string[];
  /** emptyDir volumes, removed with the pod. */
  volumes: string[];
  graceSeconds: number;
  /** Unix ms: when termination began and when the pod is killed at the latest. */
  since: number;
  deadline: number;
}

/** Extra time after the deadline before the reaper forces what Docker's own stop should have done. */
export const REAP_SLACK_MS = 2000;

/** Pods whose containers are in the ledger are terminating; the rest are live. Pure. */
export function splitTerminating(observed: ObservedState, records: readonly TerminationRecord[]): ObservedState {
  if (records.length === 0) return { ...observed, terminating: [] };
  const byContainer = new Map<string, TerminationRecord>();
  for (const r of records) for (const id of r.containerIds) byContainer.set(id, r);
  const live: ObservedPod[] = [];
  const terminating: TerminatingPod[] = [];
  for (const p of observed.pods) {
    const r = allContainers(p)
      .map((c) => byContainer.get(c.id))
      .find((x) => x !== undefined);
    if (r) terminating.push({ ...p, since: r.since, deadline: r.deadline });
    else live.push(p);
  }
  return { ...observed, pods: live, terminating };
}

export type ReapDecision = { type: 'keep' } | { type: 'forget' } | { type: 'remove'; forced: boolean };

/**
 * What the reaper does with one record, given the instance's containers as listed: forget it
 * when its containers are gone, remove them once none runs, or by force after the deadline.
 */
export function reapDecision(r: TerminationRecord, containers: ReadonlyMap<string, ContainerSummary>, now: number): ReapDecision {
  const found = r.containerIds.map((id) => containers.get(id)).filter((c): c is ContainerSummary => c !== undefined);
  if (found.length === 0) return { type: 'forget' };
  if (found.every((c) => c.state !== 'running' && c.state !== 'restarting' && c.state !== 'paused')) return { type: 'remove', forced: false };
  if (now >= r.deadline + REAP_SLACK_MS) return { type: 'remove', forced: true };
  return { type: 'keep' };
}

/** Seconds left before a terminating pod is killed, never negative. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** A pod's app containers, its init containers and sidecars, then its infra container. */
export function allContainers(p: ObservedPod): ContainerSummary[] {
  return [...p.containers, ...(p.init ?? []), ...(p.infra ? [p.infra] : [])];
}

/**
 * The ledger file. Writes are serialised inside the process (the instance lock keeps other
 * processes out); every change is written before it takes effect on the engine.
 */
export class TerminationLedger {
  private records: TerminationRecord[] | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  readonly file: string;

  constructor(stateDir: string, instance: string) {
    this.file = path.join(stateDir, `terminating-${instance}.json`);
  }

  async list(): Promise<TerminationRecord[]> {
    if (!this.records) this.records = await readRecords(this.file);
    return this.records;
  }

  add(records: readonly TerminationRecord[]): Promise<void> {
    return this.change((all) => [...all.filter((r) => !records.some((n) => sameRecord(r, n))), ...records]);
  }

  remove(records: readonly TerminationRecord[]): Promise<void> {
    return this.change((all) => all.filter((r) => !records.some((n) => sameRecord(r, n))));
  }

  private change(edit: (all: TerminationRecord[]) => TerminationRecord[]): Promise<void> {
    const next = this.chain.then(async () => {
      const updated = edit(await this.list());
      await writeFileAtomic(this.file, JSON.stringify(updated, null, 1) + '\n');
      this.records = updated;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

function sameRecord(a: TerminationRecord, b: TerminationRecord): boolean {
  return a.namespace === b.namespace && a.pod === b.pod && a.containerIds[0] === b.containerIds[0];
}

/** A missing or unreadable ledger is an empty one: the worst case is terminating a pod again. */
async function readRecords(file: string): Promise<TerminationRecord[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  } catch {
    return [];
  }
}

function isRecord(v: unknown): v is TerminationRecord {
  const r = v as Partial<TerminationRecord> | null;
  return (
    !!r &&
    typeof r.namespace === 'string' &&
    typeof r.pod === 'string' &&
    Array.isArray(r.containerIds) &&
    typeof r.deadline === 'number' &&
    typeof r.since === 'number'
  );
}
