/**
 * Running one rollout step: its independent actions at the same time, under a bound.
 * - first what pods need: networks, claim volumes, ConfigMap/Secret files;
 * - then removals begin terminating (recorded, stopped in the background: terminator.ts);
 *   a repair (a broken pod replaced by the same pod) is removed at once instead, since its
 *   successor takes the same name in the same step;
 * - then per pod, in order, its own actions (a repair's removal, its creation, a start,
 *   alias changes); different pods at the same time, at most `concurrency` at once;
 * - last, leftover emptyDir volumes and networks of namespaces that are gone (in a step
 *   without terminations: the pods being removed still use them).
 * The rollout rules (strategy.ts) decided which actions belong to the step, StatefulSet
 * order included, so nothing inside a step depends on another pod's action.
 */
import type { Action, RemovePodAction } from '../plan';
import { executeAction, type ExecuteDeps } from './execute';
import { inParallel } from '../util';

/**
 * This engine (Docker 20.10 on 2 cores) creates and starts about 8 containers at once before
 * each one gets slower (the measurement: 8 parallel `docker run` at ~0.13 s each, 50 at
 * once no faster in total); more only queues inside dockerd.
 */
export const STEP_CONCURRENCY = 8;

export interface StepDeps extends ExecuteDeps {
  /** Begin terminating these pods (returns once they are recorded as terminating). */
  terminate(pods: RemovePodAction[]): Promise<unknown>;
  concurrency?: number;
}

export async function runStep(step: readonly Action[], deps: StepDeps): Promise<void> {
  const bound = deps.concurrency ?? STEP_CONCURRENCY;
  const setup = step.filter((a) => a.type === 'create-network' || a.type === 'create-volume' || a.type === 'write-files');
  const terminations = step.filter((a): a is RemovePodAction => a.type === 'remove-pod' && a.reason !== 'repair');
  const perPod = step.filter((a) => isPodLocal(a) && !terminations.includes(a as RemovePodAction));
  const teardown = step.filter((a) => a.type === 'remove-volume' || a.type === 'remove-network');

  await inParallel(setup, bound, (a) => executeAction(deps, a));
  if (terminations.length > 0) {
    for (const a of terminations) deps.onAction?.(a);
    await deps.terminate(terminations);
  }
  // A pod that just began terminating keeps its name until it is gone: its successor of the
  // same name (a StatefulSet ordinal, a bare Pod) is created by a later pass.
  const leaving = new Set(terminations.map((a) => `${a.namespace}/${a.pod}`));
  const chains = [...groupByPod(perPod.filter((a) => !(a.type === 'create-pod' && leaving.has(`${a.namespace}/${a.pod}`)))).values()];
  await inParallel(chains, bound, async (chain) => {
    for (const a of chain) await executeAction(deps, a);
  });
  // Networks and volumes of pods that only began terminating are still in use: a later
  // pass removes them, once the planner sees those pods gone.
  if (terminations.length === 0) await inParallel(teardown, bound, (a) => executeAction(deps, a));
}

function isPodLocal(a: Action): boolean {
  return a.type === 'create-pod' || a.type === 'remove-pod' || a.type === 'start-pod' || a.type === 'set-aliases';
}

function groupByPod(actions: readonly Action[]): Map<string, Action[]> {
  const out = new Map<string, Action[]>();
  for (const a of actions) {
    const id = 'pod' in a ? `${a.namespace}/${a.pod}` : a.key;
    out.set(id, [...(out.get(id) ?? []), a]);
  }
  return out;
}
