/** The util folder's public surface: other folders import from here, not from its files. */
export { currentActivity, during } from './activity';
export { fsyncDir, writeFileAtomic } from './atomicFile';
export { inParallel } from './concurrency';
export { BerthError, ignoring, isBerthError, messageOf, type ErrorCode } from './errors';
export { compareText } from './compare';
export { pollUntil, sleep } from './eventually';
export { hostNode } from './host';
export { LOG_FORMATS, correlationId, createLogger, defaultLogFormat, type LogFormat, type Logger } from './log';
export { isDirectory, pathExists } from './pathExists';
export { fieldPath, formatProblem, hasErrors, sortProblems, type Problem, type Severity } from './problems';
export { isSameProcess, pidAlive, processStartTime } from './process';
export { cronProblem } from './cron';
export { FILE_START, fileProblem, positionOf, type PathSegment, type Position } from './position';
export { shortSha } from './sha';
