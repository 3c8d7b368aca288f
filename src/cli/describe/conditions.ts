/**
 * Conditions in kubectl's shape, from the pods on the engine. Pure. berth describe reads the
 * engine, not the manifests: a workload's desired replica count is not known here, so
 * Available compares the pods that run, and Progressing counts the templates that run.
 */
import type { Condition, ContainerInfo, PodInfo } from './types';

export function containerReady(c: ContainerInfo): boolean {
  return c.state === 'running' && (c.readinessNow === undefined || c.readinessNow.ok);
}

export function podReady(p: PodInfo): boolean {
  return !p.terminating && p.containers.length > 0 && p.containers.every(containerReady);
}

export function podConditions(p: PodInfo): Condition[] {
  const notRunning = p.containers.filter((c) => c.state !== 'running').map((c) => `${c.name} ${c.state}`);
  const failing = p.containers.filter((c) => c.readinessNow && !c.readinessNow.ok).map((c) => `${c.name}: readiness probe failing`);
  const running: Condition = notRunning.length
    ? { type: 'ContainersRunning', status: 'False', reason: notRunning.join(', ') }
    : { type: 'ContainersRunning', status: 'True', reason: 'every container runs' };
  const why = [...notRunning, ...failing, ...(p.terminating ? ['terminating'] : [])];
  const ready: Condition = why.length
    ? { type: 'Ready', status: 'False', reason: why.join('; ') }
    : { type: 'Ready', status: 'True', reason: 'every container runs and passes its readiness probe' };
  return [running, ready];
}

export function workloadConditions(pods: readonly PodInfo[]): Condition[] {
  const live = pods.filter((p) => !p.terminating);
  const ready = live.filter(podReady).length;
  const available: Condition = {
    type: 'Available',
    status: live.length > 0 && ready === live.length ? 'True' : 'False',
    reason: `${ready} of ${live.length} pod(s) ready`,
  };
  const templates = new Map<string, number>();
  for (const p of live) templates.set(p.specHash, (templates.get(p.specHash) ?? 0) + 1);
  const list = [...templates].map(([h, n]) => `${h}: ${n} pod(s)`).join(', ');
  const progressing: Condition =
    templates.size > 1
      ? { type: 'Progressing', status: 'True', reason: `rolling: ${templates.size} templates run (${list})` }
      : { type: 'Progressing', status: templates.size === 1 ? 'True' : 'Unknown', reason: templates.size === 1 ? `one template runs (${list})` : 'no pods' };
  return [available, progressing];
}
