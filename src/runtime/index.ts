export * from './types';
export * from './swarm/types';
export { SwarmClient, createSwarmClient, engineIsSwarmManager } from './swarm/client';
export { createDockerRuntime, DockerRuntime, EXEC_OUTPUT_LIMIT, PULL_HINT } from './docker';
export { resolveEngineAddress, describeAddress, DEFAULT_SOCKET } from './address';
export type { EngineAddress, EngineAddressOptions } from './address';
export { ENGINE_HINT } from './errors';
export { labelFilter, normalizeImageRef } from './mapping';
export { PAUSE_SCRIPT, findBusybox, importBusyboxImage } from './busyboxImage';
