/**
 * The desired state of an undo made without the operator. Pure.
 *
 * Base: the desired state of the revision that runs now. Only the pod template of the one
 * workload is taken from the target revision, as `kubectl rollout undo` does: replicas,
 * strategy, deadlines and volumeClaimTemplates stay as they run now. The template's hash
 * covers the ConfigMaps/Secrets it uses; when those differ between base and target, the
 * target template would run with today's configuration, which is neither revision: refused.
 */
import { hashPodTemplate } from '../model';
import { selectorMatches } from '../model';
import type { DesiredState } from '../model';
import type { Action } from '../plan';
import { BerthError } from '../util';
import { describeId, findWorkload, type Workload } from '../history';
import { workloadKey, type WorkloadId } from '../history';

export function withTemplateOf(base: DesiredState, id: WorkloadId, target: Workload): DesiredState {
  const merged = structuredClone(base);
  const w = findWorkload(merged, id);
  if (!w) throw new BerthError('E_INVALID', `${describeId(id)} is not declared in the revision that runs now`);
  w.template = structuredClone(target.template);
  w.templateHash = target.templateHash;
  const { file, line } = target.meta.source;
  if (!selectorMatches(w.selector, w.template.labels)) {
    throw new BerthError(
      'E_INVALID',
      `${file}:${line}: the old template's labels do not match the selector of ${describeId(id)} as it runs now`,
      'undo with a revert commit instead (run it while the operator runs)',
    );
  }
  const hash = hashPodTemplate(w.template, merged, w.meta.namespace);
  if (hash !== target.templateHash) {
    throw new BerthError(
      'E_INVALID',
      `the ConfigMaps/Secrets ${describeId(id)} uses differ between the two revisions: its old template would run with today's configuration (template ${hash}, not ${target.templateHash})`,
      'undo with a revert commit instead, or `berth apply` the old manifests',
    );
  }
  return merged;
}

/**
 * Actions of a plan that change something other than the workload (files of ConfigMaps and
 * Secrets are written on every plan and do not count): the engine does not run the base
 * revision for them, and the undo would change them too.
 */
export function otherChanges(actions: readonly Action[], id: WorkloadId): Action[] {
  const key = workloadKey(id);
  return actions.filter((a) => a.type !== 'write-files' && a.key !== key);
}
