/**
 * `berth rollout history` (composition): walk the branch, resolve the workload among what
 * the commits declare, group its templates, attach journal statuses, and mark the group the
 * engine runs.
 */
import type { ObservedPod } from '../observe';
import type { ValidateOptions } from '../validate';
import { declaredKeys, groupByTemplate } from './group';
import type { JournalView } from './journal';
import { resolveWorkload } from './ref';
import type { HistoryView } from './render';
import type { HistorySource } from './source';
import { runningTemplate } from './summary';
import { runningGroupIndex } from './target';
import { parseWorkloadKey, workloadKey, type TemplateGroup, type WorkloadHistory, type WorkloadId, type WorkloadRef } from './types';
import { walkTemplates, type Walk } from './walk';

export async function loadHistory(
  source: HistorySource,
  ref: WorkloadRef,
  opts: { limit: number; policy: ValidateOptions; journal?: JournalView },
): Promise<{ history: WorkloadHistory; walk: Walk }> {
  const walk = await walkTemplates(source, opts.limit, opts.policy);
  const ids = declaredKeys(walk.entries)
    .map(parseWorkloadKey)
    .filter((x): x is WorkloadId => x !== undefined);
  const id = resolveWorkload(ref, ids, `in the last ${walk.entries.length} commit(s) of ${source.describe()}`);
  const statusOf = opts.journal?.statusOf ?? (() => undefined);
  const { groups, invalid } = groupByTemplate(walk.entries, workloadKey(id), { truncated: walk.truncated, statusOf });
  return { history: { id, groups, invalid }, walk };
}

/** Pure: which group the engine's pods of the workload run, for the `*` mark. */
export function engineMark(groups: readonly TemplateGroup[], pods: readonly ObservedPod[]): HistoryView['engine'] {
  const running = runningTemplate(pods);
  if (!running) return { type: 'no-pods' };
  const index = runningGroupIndex(groups, running);
  const count = pods.filter((p) => p.specHash === running.hash).length;
  return index === undefined ? { type: 'unknown-template', hash: running.hash, pods: count } : { type: 'running', index, pods: count };
}
