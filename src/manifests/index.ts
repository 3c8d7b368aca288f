export { loadManifests, loadManifestPaths } from './load';
export { isManifestName } from './discover';
export * from './types';
