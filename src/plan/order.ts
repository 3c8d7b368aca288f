/**
 * In which order pod actions run: removals of replaced/scaled-down/pruned pods (StatefulSets
 * from the highest ordinal down), then creations (StatefulSets in ordinal order), then starts,
 * then alias changes. Kept apart from pairing so a rollout planner can order the same pairs
 * differently (surge, unavailability budgets).
 */
import type { PodActions } from './diff';
import type { Action } from './types';
import { compareText } from '../util';

interface PodRef {
  key: string;
  pod: string;
  ordinal?: number;
}

export function orderPodActions(pa: PodActions): Action[] {
  const highestFirst = (a: PodRef, b: PodRef) => compareText(a.key, b.key) || (b.ordinal ?? -1) - (a.ordinal ?? -1) || compareText(a.pod, b.pod);
  const lowestFirst = (a: PodRef, b: PodRef) => compareText(a.key, b.key) || (a.ordinal ?? -1) - (b.ordinal ?? -1) || compareText(a.pod, b.pod);
  return [
    ...[...pa.removals].sort(highestFirst),
    ...[...pa.creations].sort(lowestFirst),
    ...[...pa.starts].sort(lowestFirst),
    ...[...pa.aliasUpdates].sort(lowestFirst),
  ];
}
