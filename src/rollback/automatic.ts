/**
 * What happens when a commit fails: berth goes back to the revision that last succeeded, or
 * leaves the failed one in place and says why. Pure; the reconciler (`settle()`) asks this
 * when a rollout step comes back `failed`, then drives the rollback's steps in later passes.
 *
 * Kubernetes deliberately has no automatic rollback (a Deployment past its deadline stays
 * `ProgressDeadlineExceeded` with the new pods); berth does what Argo Rollouts' abort does.
 */
export type RollbackDecision<T> = { type: 'roll-back'; to: T } | { type: 'leave-in-place'; why: string };

export function decideRollback<T>(autoRollback: boolean, lastGood: T | undefined): RollbackDecision<T> {
  if (!autoRollback) return { type: 'leave-in-place', why: 'automatic rollback is off' };
  if (lastGood === undefined) return { type: 'leave-in-place', why: 'no earlier good revision to roll back to' };
  return { type: 'roll-back', to: lastGood };
}
