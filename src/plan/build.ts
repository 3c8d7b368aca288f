/** Everything the engine needs for one desired pod: volumes, files, containers, aliases. */
import type { ServiceResource } from '../model';
import { podAliases } from './aliases';
import { buildContainers, type PodContainers } from './containers';
import type { ConfigLookup } from './lookup';
import type { DesiredPod, PlanContext } from './types';
import { resolvePodVolumes, type PodVolumes } from './volumes';
import type { Warnings } from './warnings';

export interface BuiltPod {
  desired: DesiredPod;
  volumes: PodVolumes;
  containers: PodContainers;
  /** Network aliases of the network-owning container (sorted; none with hostNetwork). */
  aliases: string[];
}

export function buildPod(d: DesiredPod, services: readonly ServiceResource[], ctx: PlanContext, lookup: ConfigLookup, warnings: Warnings): BuiltPod {
  const aliases = d.spec.hostNetwork ? [] : podAliases(d, services, ctx.serviceAnchors === true);
  const volumes = resolvePodVolumes(d, ctx, lookup, warnings);
  const containers = buildContainers(d, aliases, volumes, ctx, lookup, warnings);
  return { desired: d, volumes, containers, aliases };
}
