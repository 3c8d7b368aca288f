export { SwarmApplier, type SwarmApplierOptions } from './applier';
export { applyToSwarm } from './loop';
export { renderSwarm, type DesiredService, type SwarmDesired } from './render';
export { buildMeshImage, meshImageTag } from './mesh/image';
export { meshServiceName } from './mesh/render';
export { deleteFromSwarm } from './delete';
