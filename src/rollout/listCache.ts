/**
 * The engine's list of this instance, kept between looks the way an informer keeps its cache:
 * a look may use the last list instead of listing again while nothing changed on the engine
 * since it was taken and it is under RELIST_MS old. Two things say something changed: the
 * engine's events for the instance's objects (engineChanged(), also when the event stream
 * breaks), and berth's own writes to the engine (Runtime.writes: a write counts when it is
 * sent, before its event arrives, so a step never plans from a list older than its own last
 * action). At 500 pods that turns three list calls a second (the probe loop) and three per
 * no-op pass into three per RELIST_MS, and the JSON the engine serializes for them.
 *
 * Where berth differs from Kubernetes: an informer is resynced from a watch that never misses
 * an event; Docker's stream can (a change to a network is not sent with the instance's
 * labels), so a kept list is at most RELIST_MS old whatever the events said.
 */
import type { ObservedState } from '../observe';

/**
 * Container events that change nothing a list shows: a probe's exec (`exec_create: cat /x`,
 * `exec_start: ...`, `exec_die`), a `docker top`, an attach, a copy. At 500 pods with exec
 * probes these are most of the stream; each one would make the kept list stale.
 */
const READ_ONLY_ACTIONS = /^(exec_|top$|attach$|resize$|archive-path$|export$)/;

/** Whether an engine event's action can change what a list shows. */
export function changesList(action: string): boolean {
  return !READ_ONLY_ACTIONS.test(action);
}

/** A kept list is used at most this long after it was taken. */
export const RELIST_MS = 10_000;

export class ListCache {
  private last?: { state: ObservedState; at: number; writes: number };
  private dirty = true;

  /** `writes`: the runtime's count of writes sent (Runtime.writes); without one, only events make a list stale. */
  constructor(
    private readonly now: () => number,
    private readonly writes: () => number = () => 0,
  ) {}

  /** The engine reported a change to the instance's objects (or its event stream broke). */
  changed(): void {
    this.dirty = true;
  }

  /** Lists through `list`, remembering the result and when it was asked for. */
  async list(list: () => Promise<ObservedState>): Promise<ObservedState> {
    const at = this.now();
    const writes = this.writes();
    // Cleared before the list: an event during it marks the result stale again.
    this.dirty = false;
    const state = await list();
    this.last = { state, at, writes };
    return state;
  }

  /** The last list, when nothing is known to have changed since and it is fresh enough. */
  fresh(): ObservedState | undefined {
    const last = this.last;
    if (!last || this.dirty || last.writes !== this.writes() || this.now() - last.at > RELIST_MS) return undefined;
    return last.state;
  }
}
