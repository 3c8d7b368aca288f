/**
 * A service's health from its tasks (pure), in the codes of src/health: Healthy when every
 * wanted task of the current spec runs (with a check: is healthy) and no older task does;
 * Degraded when the swarm paused the update on a failed task or new tasks keep failing;
 * Progressing otherwise, with the reason a task waits (a pod that fits nowhere is pending).
 */
import type { HealthCode } from '../health';
import { LABEL, type SwarmService, type SwarmTask } from '../runtime';
import type { DesiredService } from './render';

/** New tasks failed this often: the template is broken, as a crash loop is on one host. */
export const FAILED_TASKS_DEGRADED = 3;

export interface ServiceHealth {
  health: HealthCode;
  message: string;
  /** Ready tasks of the current spec. */
  ready: number;
  wanted: number;
}

export function serviceHealth(want: DesiredService, observed: SwarmService | undefined, tasks: readonly SwarmTask[]): ServiceHealth {
  if (!observed) return { health: 'Missing', message: 'service not created yet', ready: 0, wanted: want.replicas ?? 0 };
  const mine = tasks.filter((t) => t.serviceId === observed.id);
  const current = mine.filter((t) => t.specLabels[LABEL.specHash] === want.specHash);
  const live = mine.filter((t) => t.desiredState === 'running');
  const ready = current.filter((t) => t.desiredState === 'running' && t.state === 'running').length;
  // A global service wants one task per eligible node: the swarm says how many by the tasks it keeps.
  const wanted = want.replicas ?? live.length;
  const failed = current.filter((t) => t.state === 'failed' || t.state === 'rejected');
  const at = (h: HealthCode, message: string): ServiceHealth => ({ health: h, message, ready, wanted });
  if (observed.update?.state === 'paused' || observed.update?.state === 'rollback_paused')
    return at('Degraded', `update paused by the swarm: ${observed.update.message}`);
  if (failed.length >= FAILED_TASKS_DEGRADED) {
    const last = [...failed].sort((a, b) => b.createdAt - a.createdAt)[0];
    return at('Degraded', `${failed.length} task(s) of the new spec failed; last: ${last.error || last.message}`);
  }
  const old = live.filter((t) => t.specLabels[LABEL.specHash] !== want.specHash).length;
  if (ready === wanted && old === 0 && wanted > 0) return at('Healthy', `${ready} of ${wanted} task(s) running`);
  if (wanted === 0 && old === 0 && want.replicas === 0) return at('Healthy', 'scaled to 0');
  const pending = current.find((t) => t.desiredState === 'running' && t.state === 'pending' && t.message + t.error !== '');
  const why = pending ? `; pending: ${pending.error || pending.message}` : '';
  return at('Progressing', `${ready} of ${wanted} updated task(s) running, ${old} old${why}`);
}
