/**
 * A DaemonSet's health on one host, after Argo CD's (gitops-engine pkg/health/health_daemonset.go):
 * Healthy when its one pod runs the current template and is available; with OnDelete the
 * pod of an older template counts (it is replaced only once deleted), and the message says so.
 */
import type { DaemonSetResource } from '../model';
import { crashLooping, crashMessage, isAvailable, result, type PodView, type WorkloadHealth } from './workload';

export function daemonSetHealth(ds: DaemonSetResource, pods: readonly PodView[], now: number): WorkloadHealth {
  const onDelete = ds.updateStrategy.type === 'OnDelete';
  const updated = pods.filter((p) => p.specHash === ds.templateHash);
  const current = onDelete ? pods : updated;
  const crash = crashLooping(current);
  if (crash) return result(ds, 'Degraded', crashMessage(crash));
  const available = current.filter((p) => isAvailable(p, ds.minReadySeconds, now)).length;
  const old = pods.length - updated.length;
  if (available >= 1 && current.length === 1 && (onDelete || old === 0)) {
    const stale = onDelete && old > 0 ? '; it runs an older template (OnDelete: remove the pod to update it)' : '';
    return result(ds, 'Healthy', `1 of 1 daemon pods is available${stale}`);
  }
  const waiting = current.find((p) => !p.ready);
  const detail = !onDelete && old > 0 ? `, ${old} old pod(s) pending termination` : waiting?.reason ? ` (${waiting.name}: ${waiting.reason})` : '';
  return result(ds, 'Progressing', `${Math.min(available, 1)} of 1 updated daemon pods are available${detail}`);
}
