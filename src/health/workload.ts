/**
 * Health as a small value (gitops-engine's habit): a code from a fixed list and a sentence a
 * person reads, computed by one small pure function per kind from the pods berth observed.
 */
import type { HealthCode, ResourceStatus } from './types';
import type { DesiredState, PodResource, WorkloadResource } from '../model';
import { resourceKey } from '../model';
import type { JobStatus } from '../jobs';
import { jobHealth } from './jobs';
import { daemonSetHealth } from './daemonset';

/** A container that restarted this often since its pod was created is crash-looping. */
export const CRASHLOOP_RESTARTS = 3;

export interface PodView {
  /** Resource key of the owning workload. */
  ownerKey: string;
  namespace: string;
  name: string;
  specHash: string;
  ordinal?: number;
  running: boolean;
  ready: boolean;
  readySince?: number;
  restarts: number;
  /** Exited for good (restartPolicy Never/OnFailure) with this code. */
  exitCode?: number;
  /** Why the pod is not ready, for messages: probe error, exit code, ... */
  reason?: string;
}

export interface WorkloadHealth extends ResourceStatus {
  key: string;
}

/** `jobs`: each Job's status by key (jobs/status.ts); a CronJob's own Jobs are not the commit's and are left out. */
export function workloadHealth(
  desired: DesiredState,
  pods: readonly PodView[],
  now: number,
  jobs: ReadonlyMap<string, JobStatus> = new Map(),
): WorkloadHealth[] {
  const byOwner = new Map<string, PodView[]>();
  for (const p of pods) byOwner.set(p.ownerKey, [...(byOwner.get(p.ownerKey) ?? []), p]);
  const of = (k: string) => byOwner.get(k) ?? [];
  return [
    ...desired.pods.map((p) => podHealth(p, of(resourceKey(p)))),
    ...desired.deployments.map((d) => deploymentHealth(d, of(resourceKey(d)), now)),
    ...desired.statefulSets.map((s) => statefulSetHealth(s, of(resourceKey(s)), now)),
    ...desired.jobs.filter((j) => !j.createdBy).map((j) => jobHealth(j, jobs.get(resourceKey(j)))),
    ...desired.daemonSets.map((s) => daemonSetHealth(s, of(resourceKey(s)), now)),
  ];
}

export function result(r: WorkloadResource, health: HealthCode, message: string): WorkloadHealth {
  return { key: resourceKey(r), kind: r.kind, namespace: r.meta.namespace, name: r.meta.name, health, message };
}

export function crashLooping(pods: readonly PodView[]): PodView | undefined {
  return pods.find((p) => p.restarts >= CRASHLOOP_RESTARTS || (p.exitCode !== undefined && p.exitCode !== 0));
}

export function crashMessage(p: PodView): string {
  const what = p.exitCode !== undefined ? `exited with code ${p.exitCode}` : `restarted ${p.restarts} times`;
  return `pod ${p.name} ${what}${p.reason ? `: ${p.reason}` : ''}`;
}

export function isAvailable(p: PodView, minReadySeconds: number, now: number): boolean {
  return p.ready && p.readySince !== undefined && now - p.readySince >= minReadySeconds * 1000;
}

export function podHealth(pod: PodResource, pods: readonly PodView[]): WorkloadHealth {
  const p = pods.find((x) => x.specHash === pod.specHash);
  if (!p) return result(pod, 'Missing', 'pod does not exist yet');
  if (p.exitCode === 0 && pod.spec.restartPolicy !== 'Always') return result(pod, 'Healthy', 'pod completed');
  const crash = crashLooping([p]);
  if (crash) return result(pod, 'Degraded', crashMessage(crash));
  return p.ready ? result(pod, 'Healthy', 'pod is ready') : result(pod, 'Progressing', `pod is not ready: ${p.reason ?? 'starting'}`);
}

export function deploymentHealth(d: Extract<WorkloadResource, { kind: 'Deployment' }>, pods: readonly PodView[], now: number): WorkloadHealth {
  const updated = pods.filter((p) => p.specHash === d.templateHash);
  const old = pods.length - updated.length;
  const available = updated.filter((p) => isAvailable(p, d.minReadySeconds, now)).length;
  const crash = crashLooping(updated);
  if (crash) return result(d, 'Degraded', crashMessage(crash));
  if (available >= d.replicas && updated.length === d.replicas && old === 0) {
    return result(d, 'Healthy', `${available} of ${d.replicas} replicas are available`);
  }
  // Kubernetes reports a paused Deployment's rollout as paused (Argo CD: Suspended) and never
  // times it out; its pods of the previous template stay.
  if (d.paused && old > 0)
    return result(d, 'Suspended', `paused: ${old} pod(s) of the previous template stay, ${available} of ${d.replicas} updated replicas are available`);
  const waiting = updated.find((p) => !p.ready);
  const detail = old > 0 ? `, ${old} old replica(s) pending termination` : waiting?.reason ? ` (${waiting.name}: ${waiting.reason})` : '';
  return result(d, 'Progressing', `${available} of ${d.replicas} updated replicas are available${detail}`);
}

export function statefulSetHealth(s: Extract<WorkloadResource, { kind: 'StatefulSet' }>, pods: readonly PodView[], now: number): WorkloadHealth {
  const partition = s.updateStrategy.type === 'RollingUpdate' ? s.updateStrategy.partition : s.replicas;
  // Ordinals below the partition keep their old template: they count as up to date.
  const current = pods.filter((p) => p.ordinal !== undefined && p.ordinal < s.replicas && (p.ordinal < partition || p.specHash === s.templateHash));
  const crash = crashLooping(current);
  if (crash) return result(s, 'Degraded', crashMessage(crash));
  const ready = current.filter((p) => isAvailable(p, s.minReadySeconds, now)).length;
  const extra = pods.filter((p) => p.ordinal === undefined || p.ordinal >= s.replicas).length;
  if (ready === s.replicas && current.length === s.replicas && extra === 0) return result(s, 'Healthy', `${ready} of ${s.replicas} pods are ready`);
  const waiting = current.find((p) => !p.ready);
  return result(s, 'Progressing', `${ready} of ${s.replicas} pods are ready${waiting?.reason ? ` (${waiting.name}: ${waiting.reason})` : ''}`);
}
