/**
 * What the process is doing on behalf of whom: `pass` (a reconcile pass), `probe` (the probe
 * loop between passes), carried through every await by AsyncLocalStorage. Engine requests
 * are counted per activity, so the scale bench can tell what one no-op pass costs apart from
 * what the probe loop costs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Activity = 'pass' | 'probe';

const current = new AsyncLocalStorage<Activity>();

export function during<T>(activity: Activity, fn: () => Promise<T>): Promise<T> {
  return current.run(activity, fn);
}

/** The activity of the code running now; `other` outside any (API, watchers, startup). */
export function currentActivity(): Activity | 'other' {
  return current.getStore() ?? 'other';
}
