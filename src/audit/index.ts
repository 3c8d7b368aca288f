export { REVISION_STATUSES, type HistoryEntry, type RevisionRecord, type RevisionStatus } from './types';
export { JOURNAL_FILE, Journal, history, parseJournal, type JournalScan, type SkippedLine } from './journal';
export { lastGood, latestStatus, mergeRecords, toHistoryJson, type HistoryJson } from './history';
export { details, formatHistory, formatTime, printable } from './format';
