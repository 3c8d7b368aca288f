import type { Command } from 'commander';
import { Journal, formatHistory, toHistoryJson } from '../../audit';
import { addEngineOptions, engineOptions, outputOption, type OutputFormat } from '../options';
import { EXIT, type ExitCode } from '../exit';

export function registerHistory(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('history')
    .description('revisions berth has seen, newest first: commit, author, times, outcome, reasons')
    .option('--limit <n>', 'at most N revisions', (v) => Number(v), 50)
    .addOption(outputOption());
  addEngineOptions(cmd).action((raw: { instance: string; stateDir: string; limit: number; output: OutputFormat }) =>
    run(async () => {
      const eng = engineOptions(raw);
      const entries = await new Journal(eng.stateDir).history({ limit: raw.limit, instance: eng.instance });
      if (raw.output === 'json') process.stdout.write(JSON.stringify(entries.map(toHistoryJson), null, 2) + '\n');
      else process.stdout.write(entries.length ? formatHistory(entries) : 'no revisions recorded yet\n');
      return EXIT.ok;
    }),
  );
}
