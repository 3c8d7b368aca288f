export { observe } from './observe';
export { groupPods, containerOf, INFRA_CONTAINER } from './group';
export { emptyObservedState, type ObservedPod, type ObservedState } from './types';
