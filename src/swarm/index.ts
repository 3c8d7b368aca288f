export { SwarmApplier, type SwarmApplierOptions } from './applier';
export { applyToSwarm } from './loop';
export { renderSwarm, type DesiredService, type SwarmDesired } from './render';
