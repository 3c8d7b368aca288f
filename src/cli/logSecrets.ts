/**
 * Which Secret values `berth logs` hides (the scrubbing itself is src/logs/scrub.ts, shared
 * with the API): those of the desired state the selected pods were applied from. That is
 * `--manifests DIR` when given (what `berth apply` applied), otherwise the commit each pod
 * carries (`io.berth.revision`), read from berth's clone in the state directory or `--repo`,
 * as `berth rollout status` finds its spec.
 *
 * Fail closed, as the API does before its first look: when the values cannot be known, no
 * line is printed (kubectl prints logs unscrubbed; berth deliberately differs, because a
 * Secret value never leaves berth).
 */
import { commitRedactors, selectorLabels, selects, type LogSelector, type RedactorFor } from '../logs';
import { HistorySource } from '../history';
import { secretRedactor } from '../secrets';
import { LABEL, type Runtime } from '../runtime';
import { BerthError } from '../util';
import type { ValidateOptions } from '../validate';
import { validManifests } from './manifests';
import type { EngineOptions } from './options';

export interface SecretSource {
  /** The manifests directory `berth apply` applied. */
  manifests?: string;
  /** A local repository instead of berth's clone; and the manifests folder inside it (the operator's --path). */
  repo?: string;
  path?: string;
  policy: ValidateOptions;
}

/**
 * The commits of the pods selected now are read before any line is printed: when one cannot
 * be, nothing is printed (exit 2). A pod that comes later in `-f` (a new rollout) has its
 * commit read when its first line comes; if that fails, its lines are withheld.
 */
export async function logRedactor(rt: Runtime, eng: EngineOptions, sel: LogSelector, from: SecretSource): Promise<RedactorFor> {
  if (from.manifests) {
    const redact = secretRedactor(await validManifests(from.manifests, from.policy, { code: 'E_USAGE', then: 'its Secret values cannot be known' }));
    return () => redact;
  }
  const byCommit = commitRedactors({
    open: () => HistorySource.open({ stateDir: eng.stateDir, repo: from.repo, path: from.path }),
    policy: from.policy,
    cannot: (why) =>
      new BerthError(
        'E_USAGE',
        `cannot tell which Secret values to hide from these logs: ${why}; no line is printed`,
        'pass --manifests DIR (what `berth apply` applied), or --state-dir of the operator (its clone), or --repo with the commits',
      ),
  });
  const containers = (await rt.listContainers(selectorLabels(eng.instance, sel.namespace))).filter((c) => selects(sel, c.labels));
  // Nothing selected: openLogs says "not found".
  for (const rev of new Set(containers.map((c) => c.labels[LABEL.revision] ?? ''))) await byCommit(rev);
  return byCommit;
}
