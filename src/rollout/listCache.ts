/**
 * The engine's list of this instance between steps. Steps always list; the probe loop
 * (EngineApplier.probe, every second) may probe the pods of the last list instead, while
 * nothing changed on the engine since (its events say so: engineChanged()) and the list is
 * under RELIST_MS old. At 500 pods that turns three list calls a second into three per
 * RELIST_MS, and the JSON the engine serializes for them.
 */
import type { ObservedState } from '../observe';

/** The probe loop lists the engine at least this often even when its events report nothing. */
export const RELIST_MS = 10_000;

export class ListCache {
  private last?: { state: ObservedState; at: number };
  private dirty = true;

  constructor(private readonly now: () => number) {}

  /** The engine reported a change to the instance's objects (or its event stream broke). */
  changed(): void {
    this.dirty = true;
  }

  /** Lists through `list`, remembering the result and when it was asked for. */
  async list(list: () => Promise<ObservedState>): Promise<ObservedState> {
    const at = this.now();
    // Cleared before the list: an event during it marks the result stale again.
    this.dirty = false;
    const state = await list();
    this.last = { state, at };
    return state;
  }

  /** The last list, when nothing is known to have changed since and it is fresh enough. */
  fresh(): ObservedState | undefined {
    const last = this.last;
    if (!last || this.dirty || this.now() - last.at > RELIST_MS) return undefined;
    return last.state;
  }
}
