/** This host as the one Kubernetes node: its allocatable CPUs and memory (the downward API's unset limits, plan/downward.ts). */
import * as os from 'node:os';

export function hostNode(): { nanoCpus: number; memoryBytes: number } {
  return { nanoCpus: os.cpus().length * 1e9, memoryBytes: os.totalmem() };
}
