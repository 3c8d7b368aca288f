/**
 * What a person reads about an apply: one line per action (names only: never a value of a
 * Secret), and for a failed rollout the evidence: each bad pod's state, exit code, restart
 * count and last log lines, with every Secret value of the desired state blanked out.
 */
import { secretRedactor } from '../secrets';
import type { Action } from '../plan';
import type { DesiredState } from '../model';
import { LABEL, type Runtime } from '../runtime';
import { observe } from '../observe';
import type { WorkloadHealth } from '../health';
import { resourceKey, type WorkloadKind } from '../model';

const LOG_LINES = 5;

export function summarizeAction(a: Action): string {
  switch (a.type) {
    case 'create-network':
      return `create network ${a.name}`;
    case 'remove-network':
      return `remove network ${a.name}`;
    case 'create-volume':
      return `create volume ${a.name}`;
    case 'remove-volume':
      return `remove volume ${a.name}`;
    case 'write-files':
      return `write ${a.files.length} file(s) of ${a.key}`;
    case 'create-pod':
      return `create pod ${a.namespace}/${a.pod} (${a.reason})`;
    case 'remove-pod':
      return `remove pod ${a.namespace}/${a.pod} (${a.reason}${a.detail ? `: ${a.detail}` : ''})`;
    case 'start-pod':
      return `start pod ${a.namespace}/${a.pod}`;
    case 'set-aliases':
      return `set service names of pod ${a.namespace}/${a.pod}: ${a.aliases.join(', ')}`;
  }
}

export async function failureDetails(runtime: Runtime, instance: string, desired: DesiredState, bad: readonly WorkloadHealth[]): Promise<string[]> {
  const keys = new Set(bad.map((h) => h.key));
  const observed = await observe(runtime, instance);
  const redact = secretRedactor(desired);
  const details: string[] = [];
  for (const pod of observed.pods) {
    if (!keys.has(resourceKey({ kind: pod.kind as WorkloadKind, meta: { namespace: pod.namespace, name: pod.owner } }))) continue;
    for (const c of [...(pod.init ?? []), ...pod.containers]) {
      const d = await runtime.inspectContainer(c.id).catch(() => undefined);
      // Never started (held back by an init container), or an init container that succeeded.
      if (!d || (d.state === 'running' && d.restartCount === 0) || d.state === 'created' || (c.labels[LABEL.init] && d.state === 'exited' && d.exitCode === 0))
        continue;
      const logs = await runtime.logs(c.id, LOG_LINES).catch(() => '');
      const state = `${d.state}, exit code ${d.exitCode}, ${d.restartCount} restart(s)${d.oomKilled ? ', OOM-killed' : ''}`;
      details.push(`pod ${pod.namespace}/${pod.name} container ${c.labels['io.berth.container'] ?? c.name}: ${state}`);
      for (const line of logs.trim().split('\n').filter(Boolean).slice(-LOG_LINES)) details.push(`  | ${redact(line)}`);
    }
  }
  return details;
}
