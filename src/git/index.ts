export type { Closer, FetchResult, GitLog, RepoLocation, Revision } from './types';
export { GitSource, type GitSourceOptions } from './source';
export type { Identity } from './store';
export { NOTES_REF } from './notes';
export { redactUrl, validateBranch, validateCommitId, validateRepoUrl, validateSubPath } from './validate';
export { initRepoWithFiles, type GitClient } from './exec';
export { materialise } from './checkout';
export { createGit, gitError, runGit, runGitMaybe } from './exec';
export { LOG_FORMAT, parseLog } from './log';
