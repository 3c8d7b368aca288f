/**
 * `--engine swarm|docker|auto` for the one-shot apply: the swarm engine when asked, or when
 * the engine DOCKER_HOST names is a swarm manager (auto, the default).
 */
import { Option, type Command } from 'commander';
import { createSwarmClient, engineIsSwarmManager } from '../runtime';
import { SwarmApplier, applyToSwarm, deleteFromSwarm, meshImageTag } from '../swarm';
import type { DesiredState } from '../model';
import type { ApplyOutcome } from '../rollout';
import type { EngineOptions } from './options';

export type EngineChoice = 'docker' | 'swarm' | 'auto';

export function engineChoiceOption(): Option {
  return new Option('--engine <engine>', 'docker: one host; swarm: services on a swarm manager (docs/swarm.md); auto: swarm when the engine is a manager')
    .choices(['docker', 'swarm', 'auto'])
    .env('BERTH_ENGINE')
    .default('auto');
}

export function addEngineChoice(cmd: Command): Command {
  return cmd
    .addOption(engineChoiceOption())
    .option(
      '--swarm-mesh',
      "swarm: NodePort/LoadBalancer ports on every node through berth's proxy (docs/swarm.md); its image is the tag `berth swarm-mesh-image` builds",
    )
    .addOption(
      new Option('--swarm-mesh-image <image>', 'swarm: the mesh with this image (one the nodes have or can pull); implies --swarm-mesh').env(
        'BERTH_SWARM_MESH_IMAGE',
      ),
    );
}

/** The mesh image: `--swarm-mesh-image`, else with `--swarm-mesh` the tag `berth swarm-mesh-image` builds for this berth; else no mesh. */
export async function swarmMeshImage(raw: { swarmMesh?: boolean; swarmMeshImage?: string }): Promise<string | undefined> {
  if (raw.swarmMeshImage) return raw.swarmMeshImage;
  return raw.swarmMesh ? meshImageTag() : undefined;
}

export async function usesSwarm(choice: EngineChoice): Promise<boolean> {
  if (choice !== 'auto') return choice === 'swarm';
  return engineIsSwarmManager().catch(() => false);
}

/** Drives the swarm to `desired`, printing each action as it is made. */
export async function applySwarm(eng: EngineOptions, desired: DesiredState, revision: string, prune: boolean, meshImage?: string): Promise<ApplyOutcome> {
  const client = createSwarmClient();
  await client.ensureManager();
  const applier = new SwarmApplier(client, {
    instance: eng.instance,
    prune,
    ...(meshImage ? { meshImage } : {}),
    log: { info: (_o, m) => process.stdout.write(`  ${m}\n`), warn: (_o, m) => process.stderr.write(`warning: ${m}\n`) },
  });
  return applyToSwarm(applier, desired, revision, 'rollout');
}

/** `berth delete` on a swarm manager (src/swarm/delete.ts). */
export async function deleteSwarm(eng: EngineOptions, desired: DesiredState): Promise<number> {
  const client = createSwarmClient();
  await client.ensureManager();
  return deleteFromSwarm(client, eng.instance, desired, (line) => process.stdout.write(`  ${line}\n`));
}
