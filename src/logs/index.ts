export { openLogs, type ContainerRef, type LogEvent, type LogRequest, type LogSession } from './session';
export { formatLogLine, mergeByTime, parseSince, type LineFormat, type PodLogLine } from './format';
export { defaultTail, parseLogTarget, resourceWord, selectorLabels, selects, type LogSelector, type LogTarget, type LogTargetKind } from './target';
export { scrubbed, type Redact, type RedactorFor, type Scrubber } from './scrub';
export { commitRedactors, type CommitRedactorOptions } from './commits';
