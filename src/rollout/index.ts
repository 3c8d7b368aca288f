/** The rollout folder's public surface: other folders import from here, not from its files. */
export { EngineApplier } from './applier';
export { ImageEnsurer, pullPolicies } from './images';
export { changesList } from './listCache';
export type { Look } from './look';
export { ownProbes, podContexts, podViews, type PodContext } from './podViews';
export { ProgressStore, type ProgressState } from './progress';
export { summarizeAction } from './report';
export { runStep } from './runStep';
export { fenceposts, type HeldStep } from './strategy';
export { TerminationLedger, secondsLeft, splitTerminating, type TerminationRecord } from './terminating';
export { Terminator } from './terminator';
export type { ApplyMode, ApplyOutcome, Applier, StepOutcome, TerminatingStatus } from './types';
