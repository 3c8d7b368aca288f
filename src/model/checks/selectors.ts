/**
 * A Deployment or StatefulSet owns the pods its selector matches, so the selector must match
 * its own template's labels (Kubernetes rejects `selector does not match template labels`),
 * and an empty selector, which would match every pod, is refused.
 */
import type { Problem } from '../../util';
import { problemAt, type Located, type Rule } from '../located';
import { formatSelector, isEmptySelector, selectorMatches } from '../selector';
import type { DaemonSetResource, DeploymentResource, StatefulSetResource } from '../types';

function formatLabels(labels: Record<string, string>): string {
  const s = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return s ? `{${s}}` : 'none';
}

function checkSelector(e: Located<DeploymentResource | StatefulSetResource | DaemonSetResource>): Problem[] {
  const { selector, template } = e.resource;
  if (isEmptySelector(selector)) {
    return [
      problemAt(e.doc, ['spec', 'selector'], 'error', 'selector.empty', 'selector is empty: it must match the template labels (set selector.matchLabels)'),
    ];
  }
  const labels = template.labels;
  const mismatch = (path: (string | number)[], what: string): Problem =>
    problemAt(
      e.doc,
      ['spec', 'selector', ...path],
      'error',
      'selector.mismatch',
      `${what} does not match the template labels ${formatLabels(labels)} (spec.template.metadata.labels)`,
    );
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) return [mismatch(['matchLabels', k], `selector ${k}=${v}`)];
  }
  for (const [i, expr] of selector.matchExpressions.entries()) {
    const one = { matchLabels: {}, matchExpressions: [expr] };
    if (!selectorMatches(one, labels)) return [mismatch(['matchExpressions', i], `selector expression "${formatSelector(one)}"`)];
  }
  return [];
}

export const selectorsMatchTemplates: Rule = (m) =>
  m.entries.flatMap((e) =>
    e.resource.kind === 'Deployment' || e.resource.kind === 'StatefulSet' || e.resource.kind === 'DaemonSet'
      ? checkSelector(e as Located<DeploymentResource | StatefulSetResource | DaemonSetResource>)
      : [],
  );
