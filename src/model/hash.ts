/**
 * Stage 4: content hashes. A pod template's hash covers its labels, annotations and spec
 * (not replicas, not strategy) plus the data of every ConfigMap and Secret it references,
 * so a change to any of them, and only to them, replaces the pods.
 */
import { createHash } from 'node:crypto';
import { referencedObjects } from './refs';
import type { ConfigMapResource, DesiredState, JobSpec, PodTemplate, SecretResource } from './types';

/** JSON with object keys sorted and `undefined` members left out: equal values, equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

interface Lookup {
  configMap(namespace: string, name: string): ConfigMapResource | undefined;
  secret(namespace: string, name: string): SecretResource | undefined;
}

function lookupOf(desired: DesiredState): Lookup {
  const cms = new Map(desired.configMaps.map((c) => [`${c.meta.namespace}/${c.meta.name}`, c]));
  const secs = new Map(desired.secrets.map((s) => [`${s.meta.namespace}/${s.meta.name}`, s]));
  return { configMap: (ns, n) => cms.get(`${ns}/${n}`), secret: (ns, n) => secs.get(`${ns}/${n}`) };
}

/** Absent (optional) references still count: their later appearance must change the hash. */
const ABSENT = { absent: true };

function hashWith(template: PodTemplate, namespace: string, lookup: Lookup): string {
  const refs = referencedObjects(template.spec);
  const configMaps = Object.fromEntries(
    refs.configMaps.map((n) => {
      const cm = lookup.configMap(namespace, n);
      return [n, cm ? { data: cm.data, binaryData: cm.binaryData } : ABSENT];
    }),
  );
  const secrets = Object.fromEntries(
    refs.secrets.map((n) => {
      const s = lookup.secret(namespace, n);
      return [n, s ? { data: s.data } : ABSENT];
    }),
  );
  const content = { template: { labels: template.labels, annotations: template.annotations, spec: template.spec }, configMaps, secrets };
  return shortHash(canonicalJson(content));
}

/**
 * The hash of a pod template in `namespace` of `desired`: 10 hex digits of the sha256 of
 * the canonical JSON of the template and the data of the ConfigMaps/Secrets it uses.
 */
export function hashPodTemplate(template: PodTemplate, desired: DesiredState, namespace: string): string {
  return hashWith(template, namespace, lookupOf(desired));
}

/** Fills in `specHash` of every Pod and `templateHash` of every Deployment/StatefulSet. */
export function assignHashes(desired: DesiredState): void {
  const lookup = lookupOf(desired);
  for (const pod of desired.pods) {
    pod.specHash = hashWith({ labels: pod.meta.labels, annotations: pod.meta.annotations, spec: pod.spec }, pod.meta.namespace, lookup);
  }
  for (const w of [...desired.deployments, ...desired.statefulSets, ...desired.daemonSets]) w.templateHash = hashWith(w.template, w.meta.namespace, lookup);
  for (const j of [...desired.jobs, ...desired.cronJobs.map((c) => c.jobTemplate.spec)]) j.templateHash = hashJobSpec(j);
}

/**
 * What makes a Job's run: its pod template, completions, completionMode, backoffLimit and the
 * failure and success policies.
 * Unlike a Deployment's, the content of the ConfigMaps/Secrets it uses is left out: a Job
 * object in Kubernetes does not change when they do, and nothing runs again (docs/jobs.md).
 * parallelism, activeDeadlineSeconds and ttlSecondsAfterFinished apply to the run in place.
 */
export function hashJobSpec(j: JobSpec): string {
  const t = j.template;
  return shortHash(
    canonicalJson({
      template: { labels: t.labels, annotations: t.annotations, spec: t.spec },
      completions: j.completions ?? null,
      completionMode: j.completionMode,
      backoffLimit: j.backoffLimit,
      // policies that decide the run's outcome (immutable in Kubernetes): absent ones change no hash
      ...(j.podFailurePolicy ? { podFailurePolicy: j.podFailurePolicy } : {}),
      ...(j.successPolicy ? { successPolicy: j.successPolicy } : {}),
      ...(j.backoffLimitPerIndex !== undefined ? { backoffLimitPerIndex: j.backoffLimitPerIndex, maxFailedIndexes: j.maxFailedIndexes ?? null } : {}),
    }),
  );
}
