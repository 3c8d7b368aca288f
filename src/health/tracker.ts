/**
 * Probe thresholds as Kubernetes counts them, kept apart from running probes so the rules
 * are a pure function of (results, times). One tracker per probe of one container.
 */
import type { Probe } from '../model';
import type { ProbeResult } from './probe';

export interface ProbeState {
  /** Current verdict: readiness starts false, liveness starts true (Kubernetes' defaults). */
  passing: boolean;
  successes: number; // consecutive
  failures: number; // consecutive
  lastRunAt?: number; // ms
  lastError?: string;
}

export function initialProbeState(kind: 'readiness' | 'liveness' | 'startup'): ProbeState {
  return { passing: kind === 'liveness', successes: 0, failures: 0 };
}

/** Is a probe due, given when the container started and when the probe last ran? */
export function probeDue(probe: Probe, state: ProbeState, startedAtMs: number, nowMs: number): boolean {
  if (nowMs < startedAtMs + probe.initialDelaySeconds * 1000) return false;
  if (state.lastRunAt === undefined) return true;
  return nowMs >= state.lastRunAt + probe.periodSeconds * 1000;
}

/** Fold one result into the state: flips only after successThreshold / failureThreshold in a row. */
export function recordProbe(probe: Probe, state: ProbeState, result: ProbeResult, nowMs: number): ProbeState {
  if (result.ok) {
    const successes = state.successes + 1;
    return { passing: state.passing || successes >= probe.successThreshold, successes, failures: 0, lastRunAt: nowMs };
  }
  const failures = state.failures + 1;
  return {
    passing: state.passing && failures < probe.failureThreshold,
    successes: 0,
    failures,
    lastRunAt: nowMs,
    lastError: result.reason,
  };
}
