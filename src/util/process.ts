/**
 * Is the process a pid file (the proxy's) or a lock (the state directory's) names still the
 * one that wrote it? A pid alone can be reused by the kernel after its process dies, so the
 * writer also records its start time (from /proc, Linux); a live pid with another start time
 * is someone else. A zombie (dead, not yet reaped by its parent) counts as gone.
 */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** R, S, D, Z, T, ... */
  state: string;
  /** Clock ticks since boot (field 22). */
  startTime: number;
}

/** /proc/<pid>/stat, when /proc tells. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Fields 3 and 22 of a /proc/<pid>/stat line; the command (field 2) may hold spaces and parentheses. */
export function parseProcStat(stat: string): ProcStat | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = stat
    .slice(close + 2)
    .trim()
    .split(' '); // fields[0] is field 3 (state)
  const startTime = Number(fields[19]);
  return fields[0] && Number.isFinite(startTime) ? { state: fields[0], startTime } : undefined;
}

export function processStartTime(pid: number): number | undefined {
  return procStat(pid)?.startTime;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.state !== 'Z';
}

/** true when `pid` runs and, if a start time was recorded and /proc can tell, started then. */
export function isSameProcess(rec: { pid: number; startTime?: number }): boolean {
  if (!pidAlive(rec.pid)) return false;
  if (rec.startTime === undefined) return true;
  const now = processStartTime(rec.pid);
  return now === undefined || now === rec.startTime;
}
