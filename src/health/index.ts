/** The health folder's public surface: other folders import from here, not from its files. */
export { cronJobHealth, jobHealth } from './jobs';
export { runProbe, type ProbeResult } from './probe';
export { MIN_UP_MS, Prober, type ProbedContainer, upForMs } from './prober';
export { deploymentHealth, statefulSetHealth, type PodView, type WorkloadHealth, workloadHealth } from './workload';
export type { HealthCode, ResourceStatus } from './types';
