/** Steps of the swarm applier repeated until an end, for one-shot commands and tests. */
import type { DesiredState } from '../model';
import type { ApplyMode, ApplyOutcome } from '../rollout';
import { sleep } from '../util';
import type { SwarmApplier } from './applier';

export async function applyToSwarm(applier: SwarmApplier, desired: DesiredState, revision: string, mode: ApplyMode): Promise<ApplyOutcome> {
  for (;;) {
    const outcome = await applier.step(desired, revision, mode);
    if (outcome.type !== 'progressing') return outcome;
    await sleep(outcome.requeueAfterMs);
  }
}
