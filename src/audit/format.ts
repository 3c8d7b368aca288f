import type { HistoryEntry, RevisionRecord } from './types';
import { shortSha } from '../util';

/*
 * `berth history` as plain text a reviewer reads without logs:
 *
 *   REVISION  AUTHOR  COMMITTED             APPLIED               STATUS     ACTIONS  SUBJECT
 *   3f2a9c1   alice   2024-05-01 12:00:03Z  2024-05-01 12:00:04Z  failed     4        web: v2
 *       reason: readiness probe failed for 120s
 *       rolled back to 9d81e07
 *
 * Everything shown comes from commits or errors (untrusted): control characters are
 * replaced so a commit subject cannot move the cursor or recolour a terminal.
 */

const COLUMNS = ['REVISION', 'AUTHOR', 'COMMITTED', 'APPLIED', 'STATUS', 'ACTIONS', 'SUBJECT'] as const;
const MAX_AUTHOR = 24;
const INDENT = '    ';

// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\uFFFD');
}

/** `2024-05-01T12:00:03.123Z` -> `2024-05-01 12:00:03Z` (UTC); '-' when absent. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '-';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return printable(iso);
  return `${t.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function row(e: RevisionRecord): string[] {
  return [
    shortSha(e.sha),
    truncate(printable(e.author || '-'), MAX_AUTHOR),
    formatTime(e.committedAt),
    formatTime(e.appliedAt),
    e.status,
    e.actions === undefined ? '-' : String(e.actions),
    printable(e.subject ?? ''),
  ];
}

/** The indented lines under an entry: why it was rejected, failed or superseded, and what followed. */
export function details(e: RevisionRecord): string[] {
  const lines: string[] = [];
  if (e.reason) lines.push(...prefixed('reason: ', e.reason));
  for (const err of e.errors ?? []) lines.push(...prefixed('error: ', err));
  if (e.rollbackTo) lines.push(`rolled back to ${shortSha(e.rollbackTo)}`);
  if (e.revertSha) lines.push(`revert pushed: ${shortSha(e.revertSha)}`);
  return lines.map((l) => INDENT + l);
}

function prefixed(prefix: string, text: string): string[] {
  const parts = text
    .split(/\r?\n/)
    .map((p) => printable(p.trimEnd()))
    .filter((p) => p !== '');
  return parts.map((p, i) => (i === 0 ? prefix + p : ' '.repeat(prefix.length) + p));
}

export function formatHistory(entries: readonly (HistoryEntry | RevisionRecord)[]): string {
  if (entries.length === 0) return 'no revisions recorded yet\n';
  const rows = entries.map(row);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(COLUMNS)];
  entries.forEach((e, i) => {
    out.push(line(rows[i]!));
    out.push(...details(e));
  });
  return `${out.join('\n')}\n`;
}
