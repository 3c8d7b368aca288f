import type { Command } from 'commander';
import { addEngineOptions, addPolicyOptions, engineOptions, policyWithSecrets, type PolicyOptions } from '../options';
import { addPauseOptions, contentRevision, pauseOptions, withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { validManifests } from '../manifests';
import { terminalApplier } from '../terminalApplier';
import { proxyModeOption } from '../proxyMode';
import { resolveProxyModes, type ProxyModeOption } from '../../services';
import { addIngressOptions, ingressPorts, type IngressPortsRaw } from '../ingressOptions';
import { addEngineChoice, applySwarm, swarmMeshImage, usesSwarm, type EngineChoice } from '../swarmApply';
import type { ApplyOutcome } from '../../rollout';

interface ApplyRaw extends PolicyOptions, IngressPortsRaw {
  instance: string;
  stateDir: string;
  pauseImage: string;
  pauseCommand?: string;
  prune: boolean;
  wait: boolean;
  lbAddress: string;
  proxyMode: ProxyModeOption;
  engine: EngineChoice;
  swarmMesh?: boolean;
  swarmMeshImage?: string;
}

export function registerApply(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('apply')
    .description('validate, plan and converge the engine to the manifests under PATH; wait until ready. Exit 0 converged, 1 invalid or not ready, 2 error')
    .argument('[path]', 'manifests directory', '.')
    .option('--no-prune', 'keep objects of this instance that no manifest declares')
    .option('--no-wait', 'do not wait for readiness')
    .option('--lb-address <ip>', 'host address of LoadBalancer Service listeners', '0.0.0.0')
    .addOption(proxyModeOption());
  addEngineChoice(addIngressOptions(addPauseOptions(addEngineOptions(addPolicyOptions(cmd))))).action((dir: string, raw: ApplyRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const desired = await validManifests(dir, await policyWithSecrets(raw, 'refuse'), { code: 'E_INVALID', then: 'nothing was changed' });
      const revision = await contentRevision(dir);
      if (await usesSwarm(raw.engine)) return report(await applySwarm(eng, desired, revision, raw.prune, await swarmMeshImage(raw)));
      return withEngine(eng, 'apply', true, async (runtime) => {
        const { applier } = terminalApplier(runtime, eng, {
          ...pauseOptions(raw),
          lbAddress: raw.lbAddress,
          ingressPorts: ingressPorts(raw),
          proxyModes: await resolveProxyModes(raw.proxyMode),
          prune: raw.prune,
        });
        const result = await applier.apply(desired, revision, raw.wait ? 'rollout' : 'self-heal');
        // The rollout is done when the new pods are available: old pods still terminating count
        // toward nothing (as `kubectl apply` and `kubectl rollout status` treat them). The
        // engine has begun their stops (apply() waits for that) and finishes them itself,
        // SIGKILL at the deadline included; the next berth command removes their containers.
        const leaving = applier.terminating();
        if (leaving.length > 0) {
          process.stdout.write(
            `  ${leaving.length} old pod(s) terminating, stopped by the engine within ${Math.max(...leaving.map((t) => t.secondsLeft))} s: ${leaving.map((t) => t.name).join(', ')}\n`,
          );
        }
        return report(result);
      });
    }),
  );
}

function report(result: ApplyOutcome): ExitCode {
  switch (result.type) {
    case 'converged':
      process.stdout.write(result.actions === 0 ? 'no changes: everything is as declared\n' : `converged: ${result.actions} action(s)\n`);
      return EXIT.ok;
    case 'failed':
      process.stdout.write(`not ready: ${result.reason}\n${result.details.map((d) => `  ${d}\n`).join('')}`);
      return EXIT.failed;
    case 'error':
      throw result.error;
  }
}
