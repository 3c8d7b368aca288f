/** What makes a pass happen: the pass queue, and the triggers that ask it for one (git watch, poll, webhook). */
export { PassQueue, type PassResult } from './queue';
export { DEFAULT_POLL_SCHEDULE, gitDirsOf, pollOnSchedule, watchLocalRepo, type WatchHandle, type WatchOptions } from './watch';
export { verifyWebhookSignature, type WebhookHeaders, type WebhookProvider, type WebhookRejection, type WebhookVerdict } from './webhook';
