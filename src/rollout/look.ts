/** What the applier saw at one look at the engine: the desired state it steps, the pods (live and terminating), their probes' views. */
import type { PodView } from '../health';
import type { DesiredState } from '../model';
import type { ObservedState } from '../observe';

export interface Look {
  desired: DesiredState;
  observed: ObservedState;
  views: readonly PodView[];
}
