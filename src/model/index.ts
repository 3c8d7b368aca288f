/**
 * The model: manifest documents (already schema-valid) in, the typed desired state and
 * every problem out. Stages, each returning problems rather than throwing:
 * normalise -> namespaces and duplicates -> semantic rules -> nodePorts -> policy -> hashes.
 */
import type { ManifestDoc } from '../manifests';
import { buildIndex, byNamespaceThenName, problemAt, type Located } from './located';
import { dedupe, duplicateProblems, hostClaims, runRules } from './checks';
import { assignHashes } from './hash';
import { collectNamespaces } from './namespaces';
import { normalizeDocs } from './normalize';
import { assignNodePorts } from './nodeports';
import { policyProblems } from './policy';
import { contentDigests, sealedMaterial } from './sealed';
import type { Problem } from '../util';
import { emptyDesiredState, type DesiredState, type Resource } from './types';

export * from './types';
export { canonicalJson, hashPodTemplate, shortHash } from './hash';
export { parseBytes, parseNanoCpus } from './quantity';
export { defaultPullPolicy, parseImageRef } from './image';
export { selectorMatches } from './selector';
export { judgeHostPath, isUnder } from './policy';
export { preferredNodePort } from './nodeports';

export interface ModelOptions {
  allowHostPath: string[];
  allowPrivileged: boolean;
  /** The instance's key for digests of Secret data in pod hashes (secrets/hashKey.ts); every command that applies gives it. */
  hashKey?: Buffer;
}

function collect(entries: readonly Located[]): DesiredState {
  const d = emptyDesiredState();
  const lists: { [K in Resource['kind']]?: Resource[] } = {
    ConfigMap: d.configMaps,
    Secret: d.secrets,
    PersistentVolumeClaim: d.persistentVolumeClaims,
    Service: d.services,
    Pod: d.pods,
    Deployment: d.deployments,
    StatefulSet: d.statefulSets,
    Job: d.jobs,
    CronJob: d.cronJobs,
    DaemonSet: d.daemonSets,
    Ingress: d.ingresses,
    IngressClass: d.ingressClasses,
  };
  for (const e of entries) lists[e.resource.kind]?.push(e.resource);
  for (const list of Object.values(lists)) list?.sort(byNamespaceThenName);
  return d;
}

/** nodePorts for NodePort/LoadBalancer Services that lack one (see nodeports.ts). */
function fillNodePorts(entries: readonly Located[], desired: DesiredState, taken: Set<number>): Problem[] {
  const failed = assignNodePorts(desired.services, taken);
  return failed.map(({ service, index }) => {
    const doc = entries.find((e) => e.resource === service)!.doc;
    return problemAt(doc, ['spec', 'ports', index], 'error', 'port.exhausted', 'no free nodePort is left in 30000-32767');
  });
}

export function buildDesiredState(docs: ManifestDoc[], opts: ModelOptions): { desired: DesiredState; problems: Problem[] } {
  const normalized = normalizeDocs(docs);
  const { kept, duplicates } = dedupe(normalized.entries);
  const ns = collectNamespaces(kept);
  const desired = collect(kept);
  desired.namespaces = ns.namespaces;
  const index = buildIndex(kept, desired);
  const problems = [...normalized.problems, ...duplicateProblems(duplicates), ...ns.problems, ...runRules(index)];
  problems.push(...fillNodePorts(kept, desired, new Set(hostClaims(index).map((c) => c.port))));
  problems.push(...policyProblems(index.pods, opts));
  const sealed = sealedMaterial(kept);
  if (sealed) desired.sealed = sealed;
  if (opts.hashKey) desired.contentDigests = contentDigests(desired, opts.hashKey);
  assignHashes(desired);
  return { desired, problems };
}
export { BERTH_CLASS } from './checks/ingress';
export { referencedObjects } from './refs';
export { type Restarts, withRestarts } from './restart';
export { mapSelects } from './selector';
export { mostRecentTime, parseSchedule, scheduledJobName } from './schedule';
export { kindNamed, OBJECT_NAME, type NamedKind } from './kindNames';
