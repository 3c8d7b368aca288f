/**
 * `berth top pods|deployments` rows (pure), as `kubectl top` prints them: CPU in millicores,
 * memory in Mi, each with its share of the limit when the manifest sets one.
 */
import type { ContainerUsage, WorkloadUsage } from './usage';

export interface TopRow {
  namespace: string;
  name: string;
  cpu: string;
  cpuOfLimit: string;
  memory: string;
  memoryOfLimit: string;
  restarts: string;
  pods?: string;
}

const milli = (cores: number) => `${Math.round(cores * 1000)}m`;
const mi = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;
const pct = (v: number, limit: number | undefined) => (limit ? `${Math.round((v / limit) * 100)}%` : '-');

/** One row per pod: its containers summed. */
export function podRows(usage: readonly ContainerUsage[]): TopRow[] {
  const pods = new Map<string, ContainerUsage[]>();
  for (const u of usage) pods.set(`${u.namespace}/${u.pod}`, [...(pods.get(`${u.namespace}/${u.pod}`) ?? []), u]);
  return [...pods.values()].map((cs) => {
    const sum = (f: (u: ContainerUsage) => number) => cs.reduce((n, u) => n + f(u), 0);
    const cpuLimit = cs.every((u) => u.cpuLimitCores !== undefined) ? sum((u) => u.cpuLimitCores!) : undefined;
    const memLimit = cs.every((u) => u.memoryLimitBytes !== undefined) ? sum((u) => u.memoryLimitBytes!) : undefined;
    const cpu = sum((u) => u.cpuCores);
    const mem = sum((u) => u.memoryBytes);
    return {
      namespace: cs[0]!.namespace,
      name: cs[0]!.pod,
      cpu: milli(cpu),
      cpuOfLimit: pct(cpu, cpuLimit),
      memory: mi(mem),
      memoryOfLimit: pct(mem, memLimit),
      restarts: String(cs[0]!.restarts),
    };
  });
}

export function workloadRows(usage: readonly WorkloadUsage[]): TopRow[] {
  return usage.map((w) => {
    const [kind, namespace, name] = w.workload.split('/') as [string, string, string];
    return {
      namespace,
      name: `${kind.toLowerCase()}/${name}`,
      pods: String(w.pods),
      cpu: milli(w.cpuCores),
      cpuOfLimit: pct(w.cpuCores, w.cpuLimitCores),
      memory: mi(w.memoryBytes),
      memoryOfLimit: pct(w.memoryBytes, w.memoryLimitBytes),
      restarts: String(w.restarts),
    };
  });
}
