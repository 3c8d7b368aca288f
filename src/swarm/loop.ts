/** Steps of the swarm applier repeated until an end, for one-shot commands and tests. */
import type { DesiredState } from '../model/types';
import type { ApplyMode, ApplyOutcome } from '../reconciler/types';
import { sleep } from '../util/eventually';
import type { SwarmApplier } from './applier';

export async function applyToSwarm(applier: SwarmApplier, desired: DesiredState, revision: string, mode: ApplyMode): Promise<ApplyOutcome> {
  for (;;) {
    const outcome = await applier.step(desired, revision, mode);
    if (outcome.type !== 'progressing') return outcome;
    await sleep(outcome.requeueAfterMs);
  }
}
