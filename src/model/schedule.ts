/**
 * CronJob schedules. Users write Kubernetes' five fields (minute hour day month weekday) or
 * one of its macros (@hourly, ...). A sixth, leading seconds field is a berth extension
 * (tests and demos use it for fast schedules): accepted with a warning, since Kubernetes
 * refuses it. The times are node-cron's own matcher, so the pure rules here and the
 * scheduler's ticks (scheduler.ts) agree on every time.
 */
import * as path from 'node:path';
import { cronProblem } from '../util';

/** Kubernetes' macros (robfig/cron's descriptors). */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface ParsedSchedule {
  /** What node-cron is given. */
  expression: string;
  /** A leading seconds field (the berth extension). */
  seconds: boolean;
}

export type ScheduleCheck = { ok: true; schedule: ParsedSchedule } | { ok: false; problem: string };

export function parseSchedule(text: string): ScheduleCheck {
  const trimmed = text.trim();
  if (/^(CRON_)?TZ=/.test(trimmed)) return { ok: false, problem: 'a TZ= prefix is not allowed (Kubernetes refuses it): use spec.timeZone' };
  const expression = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expression.startsWith('@')) return { ok: false, problem: `unknown macro "${trimmed}" (use ${Object.keys(MACROS).join(', ')})` };
  const problem = cronProblem(expression);
  if (problem) return { ok: false, problem };
  return { ok: true, schedule: { expression, seconds: expression.split(/\s+/).length === 6 } };
}

export function timeZoneProblem(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `unknown time zone "${tz}" (use an IANA name such as "Europe/Berlin" or "Etc/UTC")`;
  }
}

interface Matcher {
  getNextMatch(date: Date): Date;
}

// node-cron 4 keeps its matcher out of its package exports; it is loaded by file, from the
// installed (pinned) version. test/unit/jobs/schedule.test.ts holds it to its behaviour.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TimeMatcher } = require(path.join(path.dirname(require.resolve('node-cron')), 'time/time-matcher.js')) as {
  TimeMatcher: new (pattern: string, tz?: string) => Matcher;
};

/** The first scheduled time strictly after `after` (unix ms). */
export function nextTime(s: ParsedSchedule, timeZone: string | undefined, after: number): number {
  return new TimeMatcher(s.expression, timeZone).getNextMatch(new Date(after)).getTime();
}

/** At most this many scheduled times are walked; Kubernetes says "too many missed" past 100. */
const MAX_WALK = 1000;

/**
 * Kubernetes' mostRecentScheduleTime: the latest scheduled time in (earliest, now], and how
 * many were missed; undefined when none is due.
 */
export function mostRecentTime(s: ParsedSchedule, timeZone: string | undefined, earliest: number, now: number): { time: number; missed: number } | undefined {
  let t = nextTime(s, timeZone, earliest);
  if (t > now) return undefined;
  let missed = 1;
  for (;;) {
    const next = nextTime(s, timeZone, t);
    if (next > now) return { time: t, missed };
    missed++;
    t = next;
    if (missed % MAX_WALK !== 0) continue;
    // Far behind (a seconds schedule after a long stop): jump to shortly before now.
    const jumped = nextTime(s, timeZone, Math.max(t, now - (2 * (t - earliest)) / missed));
    if (jumped <= now) t = jumped;
  }
}

/**
 * Kubernetes names a CronJob's Job `<cronjob>-<scheduled time in minutes>`; a seconds
 * schedule (the berth extension) fires several times a minute, so it uses seconds.
 */
export function scheduledJobName(cronJob: string, s: ParsedSchedule, time: number): string {
  return `${cronJob}-${Math.floor(time / (s.seconds ? 1000 : 60_000))}`;
}
