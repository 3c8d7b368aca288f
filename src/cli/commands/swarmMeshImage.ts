/**
 * `berth swarm-mesh-image`: builds the mesh image (src/swarm/mesh/image.ts) on the engine
 * DOCKER_HOST names and prints its tag. Run it on each node, or once and push the tag to a
 * registry the nodes pull from; `--swarm-mesh` alone then names the same tag.
 */
import type { Command } from 'commander';
import { createSwarmClient } from '../../runtime';
import { buildMeshImage } from '../../swarm';
import { addEngineOptions, engineOptions } from '../options';
import { EXIT, type ExitCode } from '../exit';

export function registerSwarmMeshImage(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('swarm-mesh-image')
    .description("build the image of berth's routing mesh for a swarm (the node binary and berth's proxy) on this engine; prints its tag");
  addEngineOptions(cmd).action((raw: { instance: string; stateDir: string }) =>
    run(async () => {
      const eng = engineOptions(raw);
      process.stdout.write(`${await buildMeshImage(createSwarmClient(), eng.stateDir)}\n`);
      return EXIT.ok;
    }),
  );
}
