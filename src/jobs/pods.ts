/**
 * The desired pods of a Job, from its status (status.ts): the pods it keeps, under their own
 * names, and the new ones it needs now. A new pod is `<job>-<suffix>`, the suffix derived from
 * (job, run hash, sequence number) so planning stays pure; a name still held by a pod (live or
 * terminating) is skipped, so a retry never reuses the name of the pod that failed.
 */
import { createHash } from 'node:crypto';
import { resourceKey, type JobResource } from '../model/types';
import type { DesiredPod } from '../plan/types';
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
  const used = new Set(names);
  for (let seq = 0; names.length < status.keep.length + status.create; seq++) {
    const name = jobPodName(job.meta.name, job.templateHash, seq);
    if (used.has(name) || taken.has(`${ns}/${name}`)) continue;
    used.add(name);
    names.push(name);
  }
  // Kubernetes labels a Job's pods with its name; Services and `kubectl logs -l` select on them.
  const labels = { ...job.template.labels, 'batch.kubernetes.io/job-name': job.meta.name, 'job-name': job.meta.name };
  return names.map((name) => ({
    key: resourceKey(job),
    kind: 'Job',
    owner: job.meta.name,
    namespace: ns,
    name,
    labels,
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
