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
import type { DesiredState } from '../model';
import { selectorLabels, selects, type LogSelector, type Redact } from '../logs';
import { HistorySource, desiredAt } from '../history';
import { secretRedactor } from '../secrets';
import { LABEL, type Runtime } from '../runtime';
import { BerthError, messageOf } from '../util';
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

const COMMIT_RE = /^[0-9a-f]{40,64}$/;

export async function logRedactor(rt: Runtime, eng: EngineOptions, sel: LogSelector, from: SecretSource): Promise<Redact> {
  if (from.manifests) return secretRedactor(await validManifests(from.manifests, from.policy, { code: 'E_USAGE', then: 'its Secret values cannot be known' }));
  const containers = (await rt.listContainers(selectorLabels(eng.instance, sel.namespace))).filter((c) => selects(sel, c.labels));
  const revisions = [...new Set(containers.map((c) => c.labels[LABEL.revision] ?? ''))];
  // Nothing selected: openLogs says "not found", and there is nothing to hide.
  if (revisions.length === 0) return (text) => text;
  const cannot = (why: string) =>
    new BerthError(
      'E_USAGE',
      `cannot tell which Secret values to hide from these logs: ${why}; no line is printed`,
      'pass --manifests DIR (what `berth apply` applied), or --state-dir of the operator (its clone), or --repo with the commits',
    );
  let source: HistorySource;
  try {
    source = await HistorySource.open({ stateDir: eng.stateDir, repo: from.repo, path: from.path });
  } catch (err) {
    throw cannot(messageOf(err));
  }
  const states: DesiredState[] = [];
  for (const rev of revisions) {
    const sha = COMMIT_RE.test(rev) ? await source.resolveCommit(rev) : undefined;
    if (!sha) throw cannot(`the pods carry revision ${rev.slice(0, 12) || '(none)'}, no commit of ${source.describe()}`);
    states.push(await desiredAt(source, sha, from.policy).catch((err: unknown) => Promise.reject(cannot(messageOf(err)))));
  }
  // One redactor over every state's Secrets, so the longest value goes first across all of them.
  return secretRedactor({ ...states[0]!, secrets: states.flatMap((s) => s.secrets) });
}
