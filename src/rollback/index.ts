/** Going back: the automatic rollback of a failed commit, and `berth rollout undo`. */
export { withTemplateOf, otherChanges } from './merge';
export { undoOnEngine, type EngineUndoDeps, type EngineUndoResult, type UndoRequest } from './undoEngine';
export { undoInGit, type GitUndoDeps, type GitUndoResult } from './undoGit';
export { decideRollback } from './automatic';
