/** The api folder's public surface: other folders import from here, not from its files. */
export type { ActionDeps, ActionResult, WorkloadRef } from './actions';
export { fetchWorkloads, postAction, type ClientAnswer } from './client';
export { SnapshotStream } from './events';
export { startApiServer, type ApiServer } from './server';
export { readApiToken } from './token';
export type { HealthCode, ResourceStatus, StatusSnapshot, TerminatingStatus } from './types';
export { buildAppView, type Look } from './view/build';
export type { AppView, DashboardSnapshot } from './view/types';
