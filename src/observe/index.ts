export { observe } from './observe';
export { groupPods, containerOf, INFRA_CONTAINER } from './group';
export { emptyObservedState, observedKey, type ObservedPod, type ObservedState } from './types';
export type { TerminatingPod } from './types';
