/** The quickstart folder's public surface: other folders import from here, not from its files. */
export { ensurePauseImage, ensureQuickstartImage } from './images';
export { seedRepository } from './seed';
