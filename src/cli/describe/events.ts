/**
 * Events as `kubectl describe` lists them, from what berth can know. Pure.
 *
 * - The engine's own events (create, start, kill with its signal, die with its exit code,
 *   oom, restart, destroy), as far back as the engine keeps them (its last 256, in memory).
 * - The journal: the commits the pods carry, applied, succeeded, failed, rolled back.
 * - The terminating ledger: a pod being removed, and when it is killed at the latest.
 * - The probes, run once by describe itself: berth run keeps its verdicts in memory.
 */
import type { RevisionRecord } from '../../audit';
import { INFRA_CONTAINER } from '../../observe';
import { LABEL, type EngineEvent } from '../../runtime';
import type { DescribeEvent, PodInfo } from './types';
import { shortSha } from '../../util';

const SIGNALS: Record<string, string> = { '15': 'SIGTERM', '9': 'SIGKILL', '2': 'SIGINT', '1': 'SIGHUP' };

export function engineEvent(e: EngineEvent): DescribeEvent | undefined {
  if (e.type !== 'container') return undefined;
  const pod = e.labels[LABEL.pod] ?? '';
  const container = e.labels[LABEL.container] ?? '';
  const infra = container === INFRA_CONTAINER;
  const object = infra ? `pod/${pod}` : `pod/${pod}/${container}`;
  const what = infra ? 'infra container (holds the network)' : `container ${container}`;
  const ev = (type: 'Normal' | 'Warning', reason: string, message: string): DescribeEvent => ({ time: e.time * 1000, type, reason, object, message });
  switch (e.action) {
    case 'create':
      return ev('Normal', 'Created', `Created ${what}`);
    case 'start':
      return ev('Normal', 'Started', `Started ${what}`);
    case 'kill': {
      const signal = SIGNALS[e.signal ?? ''] ?? e.signal ?? '?';
      return signal === 'SIGKILL' ? ev('Warning', 'Killing', `Killed ${what} (SIGKILL)`) : ev('Normal', 'Killing', `Stopping ${what} (${signal})`);
    }
    case 'die':
      return e.exitCode
        ? ev('Warning', 'Exited', `${cap(what)} exited with code ${e.exitCode}${e.exitCode === 137 ? ' (killed)' : ''}`)
        : ev('Normal', 'Exited', `${cap(what)} exited with code 0`);
    case 'oom':
      return ev('Warning', 'OOMKilled', `${cap(what)} ran out of memory`);
    case 'restart':
      return ev('Normal', 'Restarted', `Restarted ${what}`);
    case 'destroy':
      return ev('Normal', 'Removed', `Removed ${what}`);
    default:
      return undefined; // stop repeats die; exec_* are the probes; health_status is Docker's own check
  }
}

/** The journal's records of the commits the pods carry. */
export function journalEvents(records: readonly RevisionRecord[], revisions: ReadonlySet<string>, instance: string): DescribeEvent[] {
  const out: DescribeEvent[] = [];
  for (const r of records) {
    if (r.instance !== instance || !revisions.has(r.sha)) continue;
    const object = `revision/${shortSha(r.sha)}`;
    const why = r.reason ? `: ${r.reason}` : '';
    const time = Date.parse(r.at);
    if (r.status === 'applying') out.push({ time, type: 'Normal', reason: 'Applying', object, message: `Applying "${r.subject}" by ${r.author}` });
    if (r.status === 'succeeded')
      out.push({
        time,
        type: 'Normal',
        reason: 'Applied',
        object,
        message: `Applied "${r.subject}"${r.actions !== undefined ? ` (${r.actions} action(s))` : ''}`,
      });
    if (r.status === 'failed')
      out.push({
        time,
        type: 'Warning',
        reason: 'Failed',
        object,
        message: `Failed${why}${r.rollbackTo ? `; rolled back to ${shortSha(r.rollbackTo)}` : ''}`,
      });
    if (r.status === 'superseded') out.push({ time, type: 'Normal', reason: 'Superseded', object, message: `Superseded by a newer commit${why}` });
  }
  return out;
}

/** Terminating pods, and the probes describe just ran. */
export function podEvents(pods: readonly PodInfo[], now: number): DescribeEvent[] {
  const out: DescribeEvent[] = [];
  for (const p of pods) {
    if (p.terminating)
      out.push({
        time: p.terminating.since,
        type: 'Normal',
        reason: 'Terminating',
        object: `pod/${p.name}`,
        message: `Terminating: out of every Service, killed at ${new Date(p.terminating.deadline).toISOString()} at the latest`,
      });
    for (const c of p.containers) {
      for (const [kind, r] of [
        ['Readiness', c.readinessNow],
        ['Liveness', c.livenessNow],
      ] as const) {
        if (r && !r.ok)
          out.push({
            time: now,
            type: 'Warning',
            reason: 'Unhealthy',
            object: `pod/${p.name}/${c.name}`,
            message: `${kind} probe failed (checked now): ${r.reason}`,
          });
      }
    }
  }
  return out;
}

/** Oldest first; same time: in the order given (the engine's order). */
export function sortEvents(events: readonly DescribeEvent[]): DescribeEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.time - b.e.time || a.i - b.i)
    .map((x) => x.e);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
