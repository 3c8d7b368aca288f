export { loadManifests } from './load';
export { isManifestName } from './discover';
export * from './types';
