/**
 * The I/O of terminating pods (terminating.ts has the rules): begin() records a batch of
 * removals in the ledger and returns at once; in the background each pod leaves its Service
 * endpoints (confirmed, drained), gets `docker stop` with the time left before its deadline,
 * and is removed with its emptyDir volumes. reap() finishes what a crash or a lost request
 * left: records whose containers are gone or stopped, and pods past their deadline.
 */
import type { RemovePodAction } from '../plan';
import type { ContainerSummary, Labels, Runtime } from '../runtime';
import { isBerthError, messageOf } from '../util';
import { observe } from '../observe';
import type { ObservedState } from '../observe';
import { allContainers, reapDecision, secondsLeft, splitTerminating, type TerminationLedger, type TerminationRecord } from './terminating';

export interface TerminatorDeps {
  runtime: Runtime;
  /** Labels of the instance's containers, to follow their stops on the engine's event stream. */
  labels: Labels;
  ledger: TerminationLedger;
  now(): number;
  /** Zero-downtime order: out of every Service's endpoints, confirmed, drained, before SIGTERM. */
  beforeStop?(pods: RemovePodAction[]): Promise<void>;
  /** A terminating pod is gone: a pass may now create its successor or remove its network. */
  onGone?(pods: TerminationRecord[]): void;
  log(msg: string, fields?: Record<string, unknown>): void;
}

export class Terminator {
  private readonly inFlight = new Set<Promise<void>>();
  /** Pods (`ns/name`) whose stop and removal this process is doing: the reaper leaves them alone until their deadline. */
  private readonly stopping = new Set<string>();
  /** Per batch begun: resolves once the engine has begun every stop (see handedOver). */
  private readonly handing = new Set<Promise<void>>();

  constructor(private readonly deps: TerminatorDeps) {}

  /** Records the pods as terminating (written before anything happens), then stops them in the background. */
  async begin(pods: readonly RemovePodAction[]): Promise<TerminationRecord[]> {
    if (pods.length === 0) return [];
    const since = this.deps.now();
    const records = pods.map((p): TerminationRecord => ({
      key: p.key,
      namespace: p.namespace,
      pod: p.pod,
      containerIds: p.containerIds,
      ...(p.sidecarIds ? { sidecarIds: p.sidecarIds } : {}),
      volumes: p.volumes,
      graceSeconds: p.graceSeconds,
      since,
      deadline: since + p.graceSeconds * 1000,
    }));
    await this.deps.ledger.add(records);
    for (const r of records) this.stopping.add(podId(r));
    const watch = this.watchStops(records.flatMap((r) => r.containerIds));
    this.track(this.stopAll([...pods], records, watch.stopped).finally(() => records.forEach((r) => this.stopping.delete(podId(r)))));
    const handed = watch.handed.finally(() => this.handing.delete(handed));
    this.handing.add(handed);
    return records;
  }

  /**
   * Resolves when the engine has begun every stop asked of it so far (its `kill` or `die`
   * event arrived, or the stop returned): from then on the engine finishes them on its own,
   * SIGKILL at the deadline included, so a one-shot command may exit. Their containers are
   * removed by whichever berth command or operator looks next.
   */
  async handedOver(): Promise<void> {
    while (this.handing.size > 0) await Promise.all([...this.handing]);
  }

  /** Follows the containers' stops on the event stream (subscribed before any stop is asked, and replaying the last second). */
  private watchStops(ids: readonly string[]): { handed: Promise<void>; stopped(id: string): void } {
    const waiting = new Map<string, () => void>();
    const all = Promise.all(ids.map((id) => new Promise<void>((resolve) => waiting.set(id, resolve))));
    const sub = this.deps.runtime.subscribe(
      this.deps.labels,
      (e) => {
        if (e.type === 'container' && STOP_BEGUN.has(e.action)) waiting.get(e.id)?.();
      },
      () => undefined, // no events: the stops' own answers resolve the waits
    );
    return { handed: all.then(() => sub.close()), stopped: (id) => waiting.get(id)?.() };
  }

  /**
   * What the engine runs for `instance` (three list calls), after reaping what finished
   * terminating, with the pods still terminating apart from the live ones.
   */
  async observe(instance: string): Promise<ObservedState> {
    const raw = await observe(this.deps.runtime, instance);
    const reaped = await this.reap(raw.pods.flatMap(allContainers));
    return splitTerminating(withoutReaped(raw, reaped), await this.deps.ledger.list());
  }

  /** Removes what is done or overdue; returns the records it finished. One ledger read, no engine call when nothing terminates. */
  async reap(containers: readonly ContainerSummary[]): Promise<TerminationRecord[]> {
    const records = await this.deps.ledger.list();
    if (records.length === 0) return [];
    const byId = new Map(containers.map((c) => [c.id, c]));
    const now = this.deps.now();
    const done: TerminationRecord[] = [];
    const forget: TerminationRecord[] = [];
    await Promise.all(
      records.map(async (r) => {
        const d = reapDecision(r, byId, now);
        if (d.type === 'keep') return;
        // Two removals of one container at once: the second is told "in progress" and the
        // name may still be taken when its successor is created.
        if (this.stopping.has(podId(r)) && !(d.type === 'remove' && d.forced)) return;
        if (d.type === 'forget') return void forget.push(r);
        if (d.forced) this.deps.log('a terminating pod outlived its deadline; killing it', { pod: `${r.namespace}/${r.pod}` });
        if (await this.removeContainers(r)) done.push(r);
      }),
    );
    if (done.length + forget.length > 0) await this.deps.ledger.remove([...done, ...forget]);
    if (done.length + forget.length > 0) this.deps.onGone?.([...done, ...forget]);
    return [...done, ...forget];
  }

  /** Resolves when every stop begun by this process has finished (`berth delete`, `berth apply`, tests). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.deps.log('terminating pods failed; the reaper retries at their deadline', { error: messageOf(err) }));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private async stopAll(pods: RemovePodAction[], records: TerminationRecord[], stopped: (id: string) => void): Promise<void> {
    try {
      await this.deps.beforeStop?.(pods);
      await Promise.all(records.map((r) => this.stopPod(r)));
    } finally {
      for (const id of records.flatMap((r) => r.containerIds)) stopped(id);
    }
    const finished = [];
    for (const r of records) if (await this.removeContainers(r)) finished.push(r);
    if (finished.length === 0) return;
    await this.deps.ledger.remove(finished);
    this.deps.onGone?.(finished);
  }

  /**
   * `docker stop` with the seconds left: the engine sends SIGTERM and SIGKILLs at the
   * deadline on its own, even if berth is gone by then. App containers first, together;
   * then the sidecars; the infra container (the pod's network) last.
   */
  private async stopPod(r: TerminationRecord): Promise<void> {
    const [apps, infra] = r.containerIds.length > 1 ? [r.containerIds.slice(0, -1), r.containerIds.slice(-1)] : [r.containerIds, []];
    const sidecars = new Set(r.sidecarIds ?? []);
    const left = () => secondsLeft(r.deadline, this.deps.now());
    const stop = (ids: string[]) => Promise.all(ids.map((id) => ignoreMissing(this.deps.runtime.stopContainer(id, left()))));
    await stop(apps.filter((id) => !sidecars.has(id)));
    await stop(apps.filter((id) => sidecars.has(id)));
    await stop(infra);
  }

  /** Removes (force) the pod's containers and its emptyDir volumes; false when the engine refused. */
  private async removeContainers(r: TerminationRecord): Promise<boolean> {
    try {
      for (const id of r.containerIds) await this.deps.runtime.removeContainer(id);
      for (const v of r.volumes) await this.deps.runtime.removeVolume(v);
      return true;
    } catch (err) {
      this.deps.log('removing a terminated pod failed; retried at the next pass', { pod: `${r.namespace}/${r.pod}`, error: messageOf(err) });
      return false;
    }
  }
}

/** Engine events that show a stop has begun (`docker stop` sends the stop signal: `kill`) or is over. */
const STOP_BEGUN = new Set(['kill', 'die', 'stop', 'destroy']);

function podId(r: TerminationRecord): string {
  return `${r.namespace}/${r.pod}`;
}

/** The observed state without the pods whose containers the reaper just removed. */
function withoutReaped(o: ObservedState, reaped: readonly TerminationRecord[]): ObservedState {
  if (reaped.length === 0) return o;
  const gone = new Set(reaped.flatMap((r) => r.containerIds));
  const remains = (c: ContainerSummary) => !gone.has(c.id);
  return { ...o, pods: o.pods.filter((p) => allContainers(p).every(remains)) };
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isBerthError(err, 'E_NOT_FOUND')) throw err;
  }
}
