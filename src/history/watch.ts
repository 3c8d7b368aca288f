/**
 * `berth rollout status --watch`: look again and again until the rollout the first look saw
 * is over. The verdict of each look is a pure function (judge); the loop is the only I/O.
 *
 * - healthy: the spec's template runs with every replica available.
 * - failed: the workload is Degraded (crash loop, exit code); the operator recorded the
 *   spec's commit as failed or rejected; the spec's template was seen and is gone again
 *   while other pods run (rolled back); nothing changed for the workload's
 *   progressDeadlineSeconds; or `--timeout` passed.
 */
import { sleep, shortSha } from '../util';
import { BerthError } from '../util';
import type { Look, StatusLooker } from './status';
import type { WorkloadRef } from './types';

export type Verdict = { type: 'continue' } | { type: 'healthy'; message: string } | { type: 'failed'; reason: string };

export interface WatchState {
  start: number;
  lastChange: number;
  signature: string;
  /** Pods of the spec's template were seen at some look. */
  sawSpecPods: boolean;
}

export type Judged = Pick<Look, 'health' | 'operator'> & {
  spec?: { revision: string; workload: { templateHash: string; progressDeadlineSeconds: number } };
  templates: { hash: string; pods: number; running: number; ready: number; available: number }[];
};

export function initialWatchState(now: number): WatchState {
  return { start: now, lastChange: now, signature: '', sawSpecPods: false };
}

export function judge(look: Judged, state: WatchState, now: number, timeoutMs?: number): { verdict: Verdict; state: WatchState } {
  const spec = look.spec;
  if (!spec) return { verdict: { type: 'failed', reason: 'the workload has no spec to measure its pods against' }, state };
  const hash = spec.workload.templateHash;
  const specPods = look.templates.find((t) => t.hash === hash)?.pods ?? 0;
  const signature = `${look.templates.map((t) => `${t.hash}:${t.pods}/${t.running}/${t.ready}/${t.available}`).join(',')}|${look.health?.message ?? ''}`;
  const next: WatchState = {
    ...state,
    sawSpecPods: state.sawSpecPods || specPods > 0,
    signature,
    lastChange: signature !== state.signature ? now : state.lastChange,
  };
  const done = (verdict: Verdict) => ({ verdict, state: next });
  if (look.health?.health === 'Healthy') return done({ type: 'healthy', message: look.health.message });
  if (look.health?.health === 'Degraded') return done({ type: 'failed', reason: look.health.message });
  const op = look.operator?.type === 'seen' ? look.operator.lastAttempted : undefined;
  if (op && op.sha === spec.revision && (op.status === 'failed' || op.status === 'rejected')) {
    return done({ type: 'failed', reason: `the operator recorded ${shortSha(op.sha)} as ${op.status}${op.reason ? `: ${op.reason}` : ''}` });
  }
  const others = look.templates.filter((t) => t.hash !== hash);
  if (next.sawSpecPods && specPods === 0 && others.length > 0) {
    return done({ type: 'failed', reason: `rolled back: no pod runs template ${hash} any more (runs ${others.map((t) => t.hash).join(', ')})` });
  }
  const deadline = spec.workload.progressDeadlineSeconds;
  if (now - next.lastChange > deadline * 1000)
    return done({ type: 'failed', reason: `no progress for ${deadline}s (progressDeadlineSeconds): ${look.health?.message ?? ''}` });
  if (timeoutMs !== undefined && now - state.start >= timeoutMs)
    return done({ type: 'failed', reason: `timed out after ${Math.round(timeoutMs / 1000)}s: ${look.health?.message ?? ''}` });
  return done({ type: 'continue' });
}

export interface WatchOptions {
  intervalMs: number;
  timeoutMs?: number;
  now?: () => number;
  onLook(look: Look): void;
}

/** Looks until a verdict; returns the last look with it. */
export async function watchRollout(
  looker: StatusLooker,
  ref: WorkloadRef,
  opts: WatchOptions,
): Promise<{ look: Look; verdict: Exclude<Verdict, { type: 'continue' }> }> {
  const now = opts.now ?? Date.now;
  const first = await looker.look(ref);
  if (!first.spec)
    throw new BerthError(
      'E_USAGE',
      `cannot watch ${first.id.kind} ${first.id.namespace}/${first.id.name}: its spec is unknown (${first.view.noSpec ?? '?'})`,
      'pass --manifests DIR, or the --state-dir / --repo it was applied from',
    );
  const fixed = { id: first.id, spec: first.spec };
  let state = initialWatchState(now());
  let look = first;
  for (;;) {
    opts.onLook(look);
    const judged = judge({ ...look, templates: look.view.templates }, state, now(), opts.timeoutMs);
    state = judged.state;
    if (judged.verdict.type !== 'continue') return { look, verdict: judged.verdict };
    await sleep(opts.intervalMs);
    look = await looker.look(ref, fixed);
  }
}
