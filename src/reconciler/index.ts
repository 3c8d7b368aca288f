/** The reconciler folder's public surface: other folders import from here, not from its files. */
export { Reconciler } from './reconciler';
export type { OutcomeRecord, Recorder, RevisionSource, RevisionStatus, Validation, WriteBack } from './types';
