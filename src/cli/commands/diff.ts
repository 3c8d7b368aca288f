import type { Command } from 'commander';
import { observe } from '../../observe';
import { plan, renderPlan } from '../../plan';
import { planToJSON } from '../../secrets';
import { addEngineOptions, addPolicyOptions, engineOptions, outputOption, policyWithSecrets, type OutputFormat, type PolicyOptions } from '../options';
import { addPauseOptions, contentRevision, pauseOptions, withEngine } from '../engine';
import { serviceAnchorsAvailable } from '../../services';
import { EXIT, type ExitCode } from '../exit';
import { validManifests } from '../manifests';
import { splitTerminating, TerminationLedger } from '../../rollout';
import { previewJobs } from '../../jobs';

export function registerDiff(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('diff')
    .description('show what `apply` would change (Secret values never shown); exit 0 no changes, 1 changes, 2 error')
    .argument('[path]', 'manifests directory', '.')
    .option('--no-prune', 'do not show removals of objects no manifest declares')
    .option('-v, --verbose', 'list the containers, env names, mounts and files of pods to create', false)
    .addOption(outputOption());
  addPauseOptions(addEngineOptions(addPolicyOptions(cmd))).action(
    (
      dir: string,
      raw: PolicyOptions & {
        instance: string;
        stateDir: string;
        pauseImage: string;
        pauseCommand?: string;
        prune: boolean;
        verbose: boolean;
        output: OutputFormat;
      },
    ) =>
      run(async () => {
        const eng = engineOptions(raw);
        const desired = await validManifests(dir, await policyWithSecrets(raw, 'refuse'), { code: 'E_USAGE', then: `run \`berth validate ${dir}\`` });
        const revision = await contentRevision(dir);
        // Pods being terminated count toward nothing, as in apply (rollout/terminating.ts).
        const observed = await withEngine(eng, 'diff', false, async (rt) =>
          splitTerminating(await observe(rt, eng.instance), await new TerminationLedger(eng.stateDir, eng.instance).list()),
        );
        // Jobs as the applier plans them: finished runs stay finished, CronJobs' Jobs are declared.
        const { full, jobs } = await previewJobs(eng.stateDir, eng.instance, desired, observed, Date.now());
        const p = plan(full, observed, {
          instance: eng.instance,
          revision,
          stateDir: eng.stateDir,
          ...pauseOptions(raw),
          prune: raw.prune,
          serviceAnchors: serviceAnchorsAvailable(),
          jobs,
        });
        if (raw.output === 'json') process.stdout.write(JSON.stringify(planToJSON(p), null, 2) + '\n');
        else {
          for (const w of p.warnings) process.stderr.write(`warning: ${w}\n`);
          process.stdout.write(p.actions.length ? renderPlan(p, { verbose: raw.verbose }) : 'no changes\n');
        }
        return p.actions.length ? EXIT.failed : EXIT.ok;
      }),
  );
}
