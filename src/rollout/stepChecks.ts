/**
 * Small rules of a rollout step (applier.ts): when acting step after step is a bug, creations
 * that wait for a name as held steps, readiness as a comparable string, write-files already
 * done.
 */
import type { Action, HeldCreate } from '../plan';
import type { PodView } from '../health';
import { pathExists } from '../util';
import type { HeldStep } from './strategy';
import { secondsLeft } from './terminating';

/**
 * A step whose actions keep coming back step after step without a wait in between is a bug
 * (or a fight with someone else over the engine), not progress. A rolling update takes about
 * two steps per pod.
 */
export function maxActingTurns(desiredPods: number, observedPods: number): number {
  return 10 + 3 * (desiredPods + observedPods);
}

/** Creations that wait for a terminating pod to give up its name, as held steps. */
export function heldForNames(held: readonly HeldCreate[], now: number): HeldStep[] {
  const byKey = new Map<string, string[]>();
  for (const h of held) byKey.set(h.key, [...(byKey.get(h.key) ?? []), `${h.pod} (${secondsLeft(h.deadline, now)} s left)`]);
  return [...byKey].map(([key, pods]) => ({ key, reason: `waiting for terminating pod(s) to go: ${pods.join(', ')}`, suspended: false }));
}

export function readyIds(views: readonly PodView[]): string {
  return views
    .filter((v) => v.ready)
    .map((v) => `${v.namespace}/${v.name}`)
    .sort()
    .join(',');
}

/** write-files is planned every time (the planner cannot see files); drop those already written. */
export async function withoutWrittenFiles(actions: Action[]): Promise<Action[]> {
  const written = await Promise.all(actions.map((a) => (a.type === 'write-files' ? pathExists(a.dir) : false)));
  return actions.filter((_, i) => !written[i]);
}
