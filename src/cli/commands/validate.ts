import type { Command } from 'commander';
import { validatePaths } from '../../validate';
import { formatProblem, type Problem } from '../../util';
import { addPolicyOptions, outputOption, policyWithSecrets, type OutputFormat, type PolicyOptions } from '../options';
import { EXIT, type ExitCode } from '../exit';

export function registerValidate(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('validate')
    .description('validate the manifests in PATHs (directories or files; schemas, references, policy); exit 0 valid, 1 invalid, 2 error')
    .argument('[paths...]', 'manifests directories or files, validated together', ['.'])
    .addOption(outputOption());
  addPolicyOptions(cmd).action((paths: string[], raw: PolicyOptions & { output: OutputFormat }) =>
    run(async () => {
      const outcome = await validatePaths(paths, await policyWithSecrets(raw, 'structure'));
      const problems = outcome.ok ? outcome.warnings : outcome.problems;
      if (raw.output === 'json') {
        process.stdout.write(JSON.stringify(problems, null, 2) + '\n');
      } else {
        for (const p of problems) process.stdout.write(formatProblem(p) + '\n');
        process.stderr.write(summary(paths.join(' '), outcome.ok, outcome.documents, problems) + '\n');
      }
      return outcome.ok ? EXIT.ok : EXIT.failed;
    }),
  );
}

function summary(what: string, ok: boolean, documents: number, problems: readonly Problem[]): string {
  const count = (s: Problem['severity']) => problems.filter((p) => p.severity === s).length;
  const skipped = problems.filter((p) => p.code === 'load.skipped').length;
  const warnings = count('warning');
  const tail = skipped ? `, ${skipped} file(s) skipped` : '';
  if (ok) return `${what}: ${documents} documents valid${warnings ? `, ${warnings} warning(s)` : ''}${tail}`;
  return `${what}: ${count('error')} error(s), ${warnings} warning(s) in ${documents} documents${tail}`;
}
