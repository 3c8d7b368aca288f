/**
 * `berth get jobs` rows, from labels alone (as kubectl shows them): COMPLETIONS succeeded/
 * completions, STATUS, DURATION from the first pod's creation to the last one's exit (or
 * now), AGE of the first pod. A CronJob's Jobs are among them, named `<cronjob>-<time>`.
 */
import type { ObservedPod } from '../observe';
import { exitedAt, podOutcome } from '../jobs';
import { JOB_COMPLETIONS_LABEL } from '../plan';

export interface JobRow {
  namespace: string;
  name: string;
  status: 'Running' | 'Complete' | 'Failed' | 'Deleted';
  completions: string;
  duration: string;
  age: string;
}

/** `3s`, `4m12s`, `2h5m`, `3d4h`, as kubectl's duration.HumanDuration roughly. */
export function humanSeconds(s: number): string {
  const v = Math.max(0, Math.floor(s));
  if (v < 120) return `${v}s`;
  if (v < 3600) return `${Math.floor(v / 60)}m${v % 60 ? `${v % 60}s` : ''}`;
  if (v < 86400) return `${Math.floor(v / 3600)}h${Math.floor((v % 3600) / 60) ? `${Math.floor((v % 3600) / 60)}m` : ''}`;
  return `${Math.floor(v / 86400)}d${Math.floor((v % 86400) / 3600) ? `${Math.floor((v % 86400) / 3600)}h` : ''}`;
}

export function jobRows(pods: readonly ObservedPod[], nowMs: number): JobRow[] {
  const byJob = new Map<string, ObservedPod[]>();
  for (const p of pods.filter((x) => x.kind === 'Job')) byJob.set(`${p.namespace}/${p.owner}`, [...(byJob.get(`${p.namespace}/${p.owner}`) ?? []), p]);
  return [...byJob.values()].map((list) => {
    const outcomes = list.map(podOutcome);
    const succeeded = outcomes.filter((o) => o.type === 'succeeded').length;
    const running = outcomes.some((o) => o.type === 'active');
    const completions = Number(list[0]!.containers[0]?.labels[JOB_COMPLETIONS_LABEL] ?? '1');
    const created = Math.min(...list.map((p) => p.containers[0]?.createdAt ?? nowMs / 1000));
    const status = succeeded >= completions ? 'Complete' : running ? 'Running' : 'Failed';
    return {
      namespace: list[0]!.namespace,
      name: list[0]!.owner,
      status,
      completions: `${succeeded}/${completions}`,
      duration: humanSeconds((status === 'Running' ? nowMs / 1000 : Math.max(...list.map((p) => exitedAt(p, nowMs)))) - created),
      age: humanSeconds(nowMs / 1000 - created),
    };
  });
}
