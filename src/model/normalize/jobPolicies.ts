/**
 * A Job's podFailurePolicy, successPolicy, backoffLimitPerIndex and maxFailedIndexes, with
 * the checks of Kubernetes' validation (pkg/apis/batch/validation) that the schema cannot
 * express; how they act is in jobs/policy.ts.
 */
import type { PathSegment } from '../../manifests';
import type { DocProblems } from '../located';
import { arr, num, obj, str, type Obj } from '../reader';
import type { JobSpec, PodFailureRule, SuccessRule } from '../types';

/** Kubernetes defaults backoffLimit to MaxInt32 when backoffLimitPerIndex is set. */
const MAX_INT32 = 2147483647;

export function normalizeJobPolicies(p: DocProblems, spec: Obj, path: readonly PathSegment[], out: JobSpec, restartPolicy: unknown): void {
  const indexed = out.completionMode === 'Indexed';
  const perIndex = num(spec.backoffLimitPerIndex);
  if (perIndex !== undefined) {
    if (!indexed) p.error([...path, 'backoffLimitPerIndex'], 'job.per-index', 'backoffLimitPerIndex requires completionMode Indexed');
    out.backoffLimitPerIndex = perIndex;
    if (spec.backoffLimit === undefined) out.backoffLimit = MAX_INT32;
  }
  const maxFailed = num(spec.maxFailedIndexes);
  if (maxFailed !== undefined) {
    if (perIndex === undefined) p.error([...path, 'maxFailedIndexes'], 'job.per-index', 'maxFailedIndexes requires backoffLimitPerIndex');
    else if (out.completions !== undefined && maxFailed > out.completions)
      p.error([...path, 'maxFailedIndexes'], 'job.per-index', `must be less than or equal to completions (${out.completions})`);
    out.maxFailedIndexes = maxFailed;
  }
  if (spec.podFailurePolicy !== undefined) {
    const at = [...path, 'podFailurePolicy'];
    if (restartPolicy !== 'Never') p.error(at, 'job.pod-failure-policy', 'a podFailurePolicy needs the template\'s restartPolicy "Never" (as Kubernetes)');
    const names = new Set([...out.template.spec.containers, ...out.template.spec.initContainers].map((c) => c.name));
    out.podFailurePolicy = arr(obj(spec.podFailurePolicy).rules).map((r, i) => failureRule(p, obj(r), [...at, 'rules', i], names, perIndex !== undefined));
  }
  if (spec.successPolicy !== undefined) {
    const at = [...path, 'successPolicy'];
    if (!indexed) p.error(at, 'job.success-policy', 'successPolicy requires completionMode Indexed');
    out.successPolicy = arr(obj(spec.successPolicy).rules).map((r, i) => successRule(p, obj(r), [...at, 'rules', i], out.completions ?? 0));
  }
}

function failureRule(p: DocProblems, r: Obj, at: PathSegment[], containers: ReadonlySet<string>, perIndex: boolean): PodFailureRule {
  const rule: PodFailureRule = { action: (str(r.action) ?? 'Count') as PodFailureRule['action'] };
  if (rule.action === 'FailIndex' && !perIndex) p.error([...at, 'action'], 'job.pod-failure-policy', 'the FailIndex action requires backoffLimitPerIndex');
  if ((r.onExitCodes === undefined) === (r.onPodConditions === undefined))
    p.error(at, 'job.pod-failure-policy', 'exactly one of onExitCodes and onPodConditions is required');
  if (r.onExitCodes !== undefined) {
    const e = obj(r.onExitCodes);
    const values = arr(e.values).filter((v): v is number => typeof v === 'number');
    const operator = e.operator === 'NotIn' ? 'NotIn' : 'In';
    if (operator === 'In' && values.includes(0)) p.error([...at, 'onExitCodes', 'values'], 'job.pod-failure-policy', 'must not be 0 for the In operator');
    if (new Set(values).size !== values.length) p.error([...at, 'onExitCodes', 'values'], 'job.pod-failure-policy', 'must not hold duplicates');
    const containerName = str(e.containerName);
    if (containerName !== undefined && !containers.has(containerName))
      p.error([...at, 'onExitCodes', 'containerName'], 'job.pod-failure-policy', `"${containerName}" is not a container or init container of the pod template`);
    rule.onExitCodes = { ...(containerName !== undefined ? { containerName } : {}), operator, values };
  }
  if (r.onPodConditions !== undefined)
    rule.onPodConditions = arr(r.onPodConditions).map((c) => ({ type: str(obj(c).type) ?? '', status: str(obj(c).status) ?? 'True' }));
  return rule;
}

function successRule(p: DocProblems, r: Obj, at: PathSegment[], completions: number): SuccessRule {
  const rule: SuccessRule = {};
  if (r.succeededIndexes === undefined && r.succeededCount === undefined)
    p.error(at, 'job.success-policy', 'at least one of succeededIndexes and succeededCount is required');
  const text = str(r.succeededIndexes);
  if (text !== undefined) {
    const indexes = parseIndexes(text);
    if (indexes === undefined || indexes.some((i) => i >= completions))
      p.error(
        [...at, 'succeededIndexes'],
        'job.success-policy',
        `invalid value "${text}": ordered, non-overlapping indexes and ranges below completions (${completions})`,
      );
    rule.succeededIndexes = indexes ?? [];
  }
  const count = num(r.succeededCount);
  if (count !== undefined) {
    const most = rule.succeededIndexes?.length ?? completions;
    if (count > most) p.error([...at, 'succeededCount'], 'job.success-policy', `must be at most ${most} (the indexes it counts)`);
    rule.succeededCount = count;
  }
  return rule;
}

/** Kubernetes caps an Indexed Job's completions at 10^5 when these policies are used. */
const MAX_INDEX = 100_000;

/** "0,2-3" -> [0, 2, 3]; undefined when not ordered, overlapping or too large (Kubernetes refuses those). */
export function parseIndexes(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number?];
    const last = out.length > 0 ? out[out.length - 1]! : -1;
    if (a <= last || (b !== undefined && b < a) || (b ?? a) >= MAX_INDEX) return undefined;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}
