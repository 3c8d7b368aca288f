export type { Closer, FetchResult, GitLog, RepoLocation, Revision } from './types';
export { GitSource, type GitSourceOptions } from './source';
export type { Identity } from './store';
export { NOTES_REF } from './notes';
export { redactUrl, validateBranch, validateCommitId, validateRepoUrl, validateSubPath } from './validate';
export { DEFAULT_POLL_SCHEDULE, gitDirsOf, pollOnSchedule, watchLocalRepo, type WatchHandle, type WatchOptions } from './triggers';
export { verifyWebhookSignature, type WebhookHeaders, type WebhookProvider, type WebhookRejection, type WebhookVerdict } from './webhook';
export { initRepoWithFiles, type GitClient } from './exec';
