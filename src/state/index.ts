/** The state folder's public surface: other folders import from here, not from its files. */
export { acquireInstanceLock, acquireRepoLock, type InstanceLock } from './lock';
