/**
 * The desired pods of a Job, from its status (status.ts): the pods it keeps, under their own
 * names, and the new ones it needs now. A new pod is `<job>-<suffix>`, the suffix derived from
 * (job, run hash, sequence number) so planning stays pure; a name still held by a pod (live or
 * terminating) is skipped, so a retry never reuses the name of the pod that failed.
 */
import { createHash } from 'node:crypto';
import { resourceKey, type JobResource } from '../model';
import type { DesiredPod } from '../plan';
import type { JobStatus } from './status';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function jobPodName(job: string, runHash: string, seq: number): string {
  const digest = createHash('sha256').update(`${job}\0${runHash}\0${seq}`).digest();
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[digest[i]! % SUFFIX_ALPHABET.length];
  return `${job}-${suffix}`;
}

/** `taken`: `ns/name` of every pod on the engine, live or terminating. */
export function jobPods(job: JobResource, status: JobStatus, taken: ReadonlySet<string>): DesiredPod[] {
  const ns = job.meta.namespace;
  const names = [...status.keep];
  const index = new Map(Object.entries(status.indexes?.kept ?? {}));
  const used = new Set(names);
  const wanted = status.indexes ? status.indexes.create : Array.from({ length: status.create }, () => undefined);
  let seq = 0;
  for (const i of wanted) {
    // Indexed pods are `<job>-<index>-<suffix>`, as Kubernetes names them.
    const nameOf = (n: number) => jobPodName(i === undefined ? job.meta.name : `${job.meta.name}-${i}`, job.templateHash, n);
    while (used.has(nameOf(seq)) || taken.has(`${ns}/${nameOf(seq)}`)) seq++;
    const name = nameOf(seq);
    used.add(name);
    names.push(name);
    if (i !== undefined) index.set(name, i);
  }
  // Kubernetes labels a Job's pods with its name; Services and `kubectl logs -l` select on them.
  const jobLabels = { ...job.template.labels, 'batch.kubernetes.io/job-name': job.meta.name, 'job-name': job.meta.name };
  const labelsOf = (i: number | undefined) => (i === undefined ? jobLabels : { ...jobLabels, 'batch.kubernetes.io/job-completion-index': String(i) });
  return names.map((name) => ({
    ...(index.has(name) ? { ordinal: index.get(name)!, completionIndex: index.get(name)! } : {}),
    key: resourceKey(job),
    kind: 'Job',
    owner: job.meta.name,
    namespace: ns,
    name,
    labels: labelsOf(index.get(name)),
    annotations: job.template.annotations,
    spec: job.template.spec,
    specHash: job.templateHash,
    hostname: job.template.spec.hostname ?? name,
    ...(job.template.spec.subdomain ? { subdomain: job.template.spec.subdomain } : {}),
    claimTemplates: {},
    // A pod that ran stays what it was: a Job's pods are never replaced, only added or removed.
    replaceOnSpecChange: false,
    restartLimit: job.backoffLimit,
    jobCompletions: job.completions ?? 1,
  }));
}
