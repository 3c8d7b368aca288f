/** The monitor folder's public surface: other folders import from here, not from its files. */
export { UsageSampler } from './sampler';
export { podRows, type TopRow, workloadRows } from './top';
export { byWorkload, type ContainerUsage, type WorkloadUsage } from './usage';
