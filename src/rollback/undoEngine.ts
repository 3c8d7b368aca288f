/**
 * `berth rollout undo` when no operator runs (I/O composition): the engine is driven
 * directly, with the instance lock held by the caller.
 *
 * 1. The workload and the template it runs: from the engine (its newest pods).
 * 2. The target: `--to-revision SHA`, or the template before the running one in the
 *    history (previousTemplate); the spec is taken from the newest commit of that group.
 * 3. The base: the newest commit (by ancestry) among the revisions the instance's pods carry
 *    and the journal's last good revision; its desired state with the workload's template
 *    replaced (withTemplateOf).
 * 4. A dry plan: when the undo would also change other resources (the engine does not run
 *    the base for them), refuse unless --force.
 * 5. EngineApplier in mode 'rollback' (the same rolling rules); new pods carry the target
 *    commit as `io.berth.revision`. Nothing is written to the journal.
 */
import type { DesiredState } from '../model';
import { observe } from '../observe';
import type { ObservedState } from '../observe';
import { plan, type PlanContext } from '../plan';
import type { ApplyOutcome } from '../rollout';
import type { Runtime } from '../runtime';
import { BerthError, shortSha } from '../util';
import type { ValidateOptions } from '../validate';
import { validateCommitId } from '../git';
import { summarizeAction } from '../rollout';
import { loadHistory } from '../history';
import type { JournalView } from '../history';
import { findWorkload } from '../history';
import { otherChanges, withTemplateOf } from './merge';
import { describeId, resolveWorkload } from '../history';
import type { HistorySource } from '../history';
import { observedWorkloads, podsOf, runningTemplate } from '../history';
import { previousTemplate, runningGroupIndex, type RunningTemplate } from '../history';
import type { WorkloadId, WorkloadRef } from '../history';
import { desiredAt } from '../history';

export interface EngineUndoDeps {
  runtime: Runtime;
  instance: string;
  stateDir: string;
  source: HistorySource;
  policy: ValidateOptions;
  limit: number;
  journal: JournalView;
  /** The plan options the applier uses (pause image, Service anchors), for the dry plan. */
  planOptions: Pick<PlanContext, 'pauseImage' | 'pauseCommand' | 'serviceAnchors'>;
  apply(desired: DesiredState, revision: string): Promise<ApplyOutcome>;
  log(line: string): void;
}

export interface UndoRequest {
  ref: WorkloadRef;
  toRevision?: string;
  force: boolean;
}

export type EngineUndoResult =
  | { type: 'nothing'; message: string }
  | { type: 'converged'; id: WorkloadId; from: string; to: string; revision: string; actions: number }
  | { type: 'failed'; reason: string; details: string[] };

interface Target {
  sha: string;
  desired: DesiredState;
}

export async function undoOnEngine(deps: EngineUndoDeps, req: UndoRequest): Promise<EngineUndoResult> {
  const observed = await observe(deps.runtime, deps.instance);
  const id = resolveWorkload(req.ref, observedWorkloads(observed.pods), `on the engine for instance "${deps.instance}"`);
  const running = runningTemplate(podsOf(observed.pods, id))!;
  const target = await chooseTarget(deps, req, id, running);
  const targetWorkload = findWorkload(target.desired, id);
  if (!targetWorkload) throw new BerthError('E_INVALID', `${describeId(id)} is not declared in commit ${shortSha(target.sha)}`);
  const pods = podsOf(observed.pods, id);
  if (targetWorkload.templateHash === running.hash && pods.every((p) => p.specHash === running.hash)) {
    return { type: 'nothing', message: `${describeId(id)} already runs template ${running.hash} (commit ${shortSha(target.sha)}); nothing to undo` };
  }
  const base = await baseRevision(deps, observed);
  deps.log(
    `base: commit ${shortSha(base.sha)} (what runs now); ${describeId(id)}: template ${running.hash} -> ${targetWorkload.templateHash} of commit ${shortSha(target.sha)}`,
  );
  const merged = withTemplateOf(base.desired, id, targetWorkload);
  const ctx: PlanContext = { instance: deps.instance, revision: target.sha, stateDir: deps.stateDir, ...deps.planOptions, prune: false };
  const others = otherChanges(plan(merged, observed, ctx).actions, id);
  if (others.length > 0 && !req.force) {
    throw new BerthError(
      'E_USAGE',
      `undo would also change what runs besides ${describeId(id)} (the engine does not run commit ${shortSha(base.sha)} for it): ${others.map(summarizeAction).join('; ')}`,
      'pass --force to change those too, or let the operator / `berth apply` repair them first',
    );
  }
  const outcome = await deps.apply(merged, target.sha);
  switch (outcome.type) {
    case 'converged':
      return { type: 'converged', id, from: running.hash, to: targetWorkload.templateHash, revision: target.sha, actions: outcome.actions };
    case 'failed':
      return { type: 'failed', reason: outcome.reason, details: outcome.details };
    case 'error':
      throw outcome.error;
  }
}

async function chooseTarget(deps: EngineUndoDeps, req: UndoRequest, id: WorkloadId, running: RunningTemplate): Promise<Target> {
  if (req.toRevision !== undefined) {
    const sha = await deps.source.resolveCommit(validateCommitId(req.toRevision));
    if (!sha) throw new BerthError('E_NOT_FOUND', `commit ${req.toRevision} is not in ${deps.source.describe()}`);
    return { sha, desired: await desiredAt(deps.source, sha, deps.policy) };
  }
  const { history } = await loadHistory(deps.source, id, { limit: deps.limit, policy: deps.policy, journal: deps.journal });
  const from = runningGroupIndex(history.groups, running);
  if (from === undefined) {
    throw new BerthError(
      'E_NOT_FOUND',
      `${describeId(id)} runs template ${running.hash}, which no commit among the last ${deps.limit} of ${deps.source.describe()} declares`,
      'raise --limit, or name the target with --to-revision SHA',
    );
  }
  const t = previousTemplate(history.groups, from);
  if (t.type === 'none') throw new BerthError('E_NOT_FOUND', `${describeId(id)}: ${t.reason}`, 'raise --limit, or name the target with --to-revision SHA');
  const sha = t.group.commits[0]!.commit.sha;
  return { sha, desired: await desiredAt(deps.source, sha, deps.policy) };
}

/** The newest commit (by ancestry) the instance runs: pods' revision labels and the journal's last good. */
async function baseRevision(deps: EngineUndoDeps, observed: ObservedState): Promise<Target> {
  const labels = [...new Set([...observed.pods.map((p) => p.revision), ...(deps.journal.lastGood ? [deps.journal.lastGood] : [])])];
  const known: string[] = [];
  for (const l of labels) {
    const sha = /^[0-9a-f]{40,64}$/.test(l) ? await deps.source.resolveCommit(l) : undefined;
    if (sha) known.push(sha);
  }
  if (known.length === 0) {
    throw new BerthError(
      'E_NOT_FOUND',
      `the instance runs no revision that is a commit of ${deps.source.describe()} (${labels.map(shortSha).join(', ') || 'no pods'})`,
      'was it applied with `berth apply DIR`? Then apply the old manifests the same way',
    );
  }
  let newest = known[0]!;
  for (const sha of known.slice(1)) if (await deps.source.isAncestor(newest, sha)) newest = sha;
  return { sha: newest, desired: await desiredAt(deps.source, newest, deps.policy) };
}
