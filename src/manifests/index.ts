export { loadManifests, type LoadOptions } from './load';
export { isManifestName } from './discover';
export * from './types';
