/**
 * What a failed pod means to its Job (podFailurePolicy) and when an Indexed Job is done
 * early (successPolicy), as Kubernetes' job controller decides (pkg/controller/job:
 * pod_failure_policy.go, success_policy.go). Pure.
 */
import type { PodFailureAction, PodFailureRule, SuccessRule } from '../model';

/** A container of a failed pod that exited: its name in the pod spec and its exit code. */
export interface ContainerExit {
  name: string;
  exitCode: number;
}

/**
 * The action of the first rule that matches, or Count when none does (Kubernetes counts
 * the failure toward backoffLimit then). onExitCodes looks at every exited container, init
 * containers included, and never at a zero exit code, as matchOnExitCodes does.
 * onPodConditions never matches here: the conditions it names (DisruptionTarget when a pod
 * is evicted or preempted, ConfigIssue, ...) are set by Kubernetes components that a
 * Docker host does not have, so no berth pod ever carries one.
 */
export function failureAction(rules: readonly PodFailureRule[] | undefined, exits: readonly ContainerExit[]): PodFailureAction {
  for (const rule of rules ?? []) {
    const on = rule.onExitCodes;
    if (!on) continue;
    const hit = exits.some(
      (e) => e.exitCode !== 0 && (on.containerName === undefined || on.containerName === e.name) && on.values.includes(e.exitCode) === (on.operator === 'In'),
    );
    if (hit) return rule.action;
  }
  return 'Count';
}

/** True when one rule of an Indexed Job's successPolicy is met by the indexes that succeeded. */
export function successMet(rules: readonly SuccessRule[] | undefined, succeeded: ReadonlySet<number>): boolean {
  return (rules ?? []).some((r) => {
    const counted = r.succeededIndexes ? r.succeededIndexes.filter((i) => succeeded.has(i)).length : succeeded.size;
    const need = r.succeededCount ?? r.succeededIndexes?.length ?? 0;
    return need > 0 && counted >= need;
  });
}
