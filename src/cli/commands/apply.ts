import type { Command } from 'commander';
import { validateDirectory } from '../../validate';
import { formatProblem } from '../../util/problems';
import { EngineApplier } from '../../rollout/applier';
import { summarizeAction } from '../../rollout/report';
import { addEngineOptions, addPolicyOptions, engineOptions, validateOptions, type PolicyOptions } from '../options';
import { addPauseOptions, contentRevision, pauseOptions, withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { requireDirectory } from '../paths';
import { BerthError } from '../../util/errors';
import type { WorkloadHealth } from '../../health/workload';
import type { HeldStep } from '../../rollout/strategy';
import { EndpointPublisher } from '../../traffic/publisher';
import { serviceAnchorsAvailable } from '../../traffic/anchors';

interface ApplyRaw extends PolicyOptions {
  instance: string;
  stateDir: string;
  pauseImage: string;
  pauseCommand?: string;
  prune: boolean;
  wait: boolean;
  lbAddress: string;
}

export function registerApply(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('apply')
    .description('validate, plan and converge the engine to the manifests under PATH; wait until ready. Exit 0 converged, 1 invalid or not ready, 2 error')
    .argument('[path]', 'manifests directory', '.')
    .option('--no-prune', 'keep objects of this instance that no manifest declares')
    .option('--no-wait', 'do not wait for readiness')
    .option('--lb-address <ip>', 'host address of LoadBalancer Service listeners', '0.0.0.0');
  addPauseOptions(addEngineOptions(addPolicyOptions(cmd))).action((dir: string, raw: ApplyRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      await requireDirectory(dir);
      const outcome = await validateDirectory(dir, validateOptions(raw));
      const problems = outcome.ok ? outcome.warnings : outcome.problems;
      for (const p of problems) process.stderr.write(formatProblem(p) + '\n');
      if (!outcome.ok) throw new BerthError('E_INVALID', `${dir}: manifests are not valid; nothing was changed`);
      const revision = await contentRevision(dir);
      return withEngine(eng, 'apply', true, async (runtime) => {
        // NodePort/LoadBalancer Services: the proxy process is started and outlives this command, like the apps.
        const serviceAnchors = serviceAnchorsAvailable();
        const publisher = new EndpointPublisher(runtime, {
          instance: eng.instance,
          stateDir: eng.stateDir,
          lbAddress: raw.lbAddress,
          serviceAnchors,
          log: (m, f) => process.stderr.write(`warning: ${m}${f ? ` ${JSON.stringify(f)}` : ''}\n`),
        });
        const applier = new EngineApplier(runtime, {
          ...publisher.hooks(),
          serviceAnchors,
          instance: eng.instance,
          stateDir: eng.stateDir,
          ...pauseOptions(raw),
          prune: raw.prune,
          log: () => {},
          onAction: (a) => process.stdout.write(`  ${summarizeAction(a)}\n`),
          onHealth: healthPrinter(),
          onWait: waitPrinter(),
          onPull: pullPrinter(),
        });
        const result = await applier.apply(outcome.desired, revision, raw.wait ? 'rollout' : 'self-heal');
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
      });
    }),
  );
}

/** Prints a workload's health line when it changes, so a terminal shows progress as it happens. */
function healthPrinter(): (h: WorkloadHealth[]) => void {
  const last = new Map<string, string>();
  return (health) => {
    for (const h of health) {
      const line = `${h.kind} ${h.namespace}/${h.name}: ${h.health}: ${h.message}`;
      if (last.get(h.key) !== line) process.stdout.write(`  ${line}\n`);
      last.set(h.key, line);
    }
  };
}

/** Prints why a rollout step waits, when that changes. */
function waitPrinter(): (held: HeldStep[]) => void {
  const last = new Map<string, string>();
  return (held) => {
    for (const h of held) if (last.get(h.key) !== h.reason) process.stdout.write(`  ${h.key}: waiting: ${h.reason}\n`);
    last.clear();
    for (const h of held) last.set(h.key, h.reason);
  };
}

function pullPrinter(): (image: string, p: { status: string; id?: string }) => void {
  const seen = new Set<string>();
  return (image, p) => {
    const line = `pull ${image}: ${p.status}${p.id ? ` ${p.id}` : ''}`;
    if (/Pulling from|Download complete|Pull complete|Status:/.test(p.status) && !seen.has(line)) {
      seen.add(line);
      process.stdout.write(`  ${line}\n`);
    }
  };
}
