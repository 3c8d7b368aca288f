/**
 * `berth get`: what the engine runs for this instance (cli/get/: rows from labels alone, the
 * terminating ledger, the Service proxies), in kubectl's formats, once or watching (-w).
 */
import { Argument, Option, type Command } from 'commander';
import { addEngineOptions, engineOptions } from '../options';
import { withEngine } from '../engine';
import { EXIT, type ExitCode } from '../exit';
import { tableLines } from '../table';
import { gather } from '../get/gather';
import { columnsFor, FORMATS, renderSections, type GetFormat } from '../get/render';
import { WHAT, type SectionName, type What } from '../get/rows';
import { watchGet } from '../get/watch';

interface GetRaw {
  instance: string;
  stateDir: string;
  namespace?: string;
  output: GetFormat;
  watch: boolean;
}

export function registerGet(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('get')
    .description('list what runs on the engine for this instance')
    .addArgument(new Argument('<what>', 'what to list').choices(WHAT))
    .option('-n, --namespace <ns>', 'only this namespace')
    .addOption(new Option('-o, --output <format>', 'output format (text is the table; wide adds columns)').choices(FORMATS).default('text'))
    .option('-w, --watch', 'after the list, print each row that changes, as the engine reports changes', false);
  addEngineOptions(cmd).action((what: What, raw: GetRaw) =>
    run(async () => {
      const eng = engineOptions(raw);
      const format = raw.output;
      return withEngine(eng, 'get', false, async (rt) => {
        const read = () => gather(rt, eng, what, raw.namespace, Date.now());
        const first = await read();
        if (!raw.watch) {
          process.stdout.write(renderSections(first, what, format));
          return EXIT.ok;
        }
        const widths = new Map<SectionName, number[]>();
        if (format === 'text' || format === 'wide') {
          for (const [section, rows] of Object.entries(first) as [SectionName, never[]][]) {
            if (what === 'all') process.stdout.write(`\n${section.toUpperCase()}\n`);
            // The header is printed even with no rows yet: the rows to come are padded to it.
            const t = tableLines(rows, columnsFor(section, format === 'wide'));
            widths.set(section, t.widths);
            process.stdout.write(t.lines.join('\n') + '\n');
          }
        } else process.stdout.write(renderSections(first, what, format));
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
          process.stdout.on('error', (err: NodeJS.ErrnoException) => err.code === 'EPIPE' && resolve());
        });
        await watchGet({ runtime: rt, instance: eng.instance, read, write: (t) => process.stdout.write(t) }, first, format, widths, stop);
        return EXIT.ok;
      });
    }),
  );
}
