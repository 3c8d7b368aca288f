import type { Command } from 'commander';
import { validateDirectory } from '../../validate';
import { formatProblem } from '../../util/problems';
import { addPolicyOptions, outputOption, policyWithSecrets, type OutputFormat, type PolicyOptions } from '../options';
import { EXIT, type ExitCode } from '../exit';
import { requireDirectory } from '../paths';

export function registerValidate(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('validate')
    .description('validate the manifests under PATH (schemas, references, policy); exit 0 valid, 1 invalid, 2 error')
    .argument('[path]', 'manifests directory', '.')
    .addOption(outputOption());
  addPolicyOptions(cmd).action((dir: string, raw: PolicyOptions & { output: OutputFormat }) =>
    run(async () => {
      await requireDirectory(dir);
      const outcome = await validateDirectory(dir, await policyWithSecrets(raw, 'structure'));
      const problems = outcome.ok ? outcome.warnings : outcome.problems;
      if (raw.output === 'json') {
        process.stdout.write(JSON.stringify(problems, null, 2) + '\n');
      } else {
        for (const p of problems) process.stdout.write(formatProblem(p) + '\n');
        const errors = problems.filter((p) => p.severity === 'error').length;
        const warnings = problems.length - errors;
        const summary = outcome.ok
          ? `${dir}: ${outcome.documents} documents valid${warnings ? `, ${warnings} warning(s)` : ''}`
          : `${dir}: ${errors} error(s), ${warnings} warning(s) in ${outcome.documents} documents`;
        process.stderr.write(summary + '\n');
      }
      return outcome.ok ? EXIT.ok : EXIT.failed;
    }),
  );
}
