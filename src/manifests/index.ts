export { loadManifests, loadManifestPaths, type LoadOptions } from './load';
export { isManifestName } from './discover';
export * from './types';
export { ParsedFileCache, type ParseCacheStats } from './parseCache';
