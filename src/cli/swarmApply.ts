/**
 * `--engine swarm|docker|auto` for the one-shot apply: the swarm engine when asked, or when
 * the engine DOCKER_HOST names is a swarm manager (auto, the default).
 */
import { Option, type Command } from 'commander';
import { createSwarmClient, engineIsSwarmManager } from '../runtime';
import { SwarmApplier, applyToSwarm } from '../swarm';
import type { DesiredState } from '../model';
import type { ApplyOutcome } from '../rollout';
import type { EngineOptions } from './options';

export type EngineChoice = 'docker' | 'swarm' | 'auto';

export function addEngineChoice(cmd: Command): Command {
  return cmd.addOption(
    new Option('--engine <engine>', 'docker: one host; swarm: services on a swarm manager (docs/swarm.md); auto: swarm when the engine is a manager')
      .choices(['docker', 'swarm', 'auto'])
      .env('BERTH_ENGINE')
      .default('auto'),
  );
}

export async function usesSwarm(choice: EngineChoice): Promise<boolean> {
  if (choice !== 'auto') return choice === 'swarm';
  return engineIsSwarmManager().catch(() => false);
}

/** Drives the swarm to `desired`, printing each action as it is made. */
export async function applySwarm(eng: EngineOptions, desired: DesiredState, revision: string, prune: boolean): Promise<ApplyOutcome> {
  const client = createSwarmClient();
  await client.ensureManager();
  const applier = new SwarmApplier(client, {
    instance: eng.instance,
    prune,
    log: { info: (_o, m) => process.stdout.write(`  ${m}\n`), warn: (_o, m) => process.stderr.write(`warning: ${m}\n`) },
  });
  return applyToSwarm(applier, desired, revision, 'rollout');
}
