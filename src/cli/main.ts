#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=256 --no-opt --no-sparkplug --optimize-for-size
// The flags: a young generation of 1 MB semi-spaces, and an old generation capped at 256 MB.
// berth keeps little (about 30 MB of live heap at 500 pods, a third of it code) but allocates
// steadily (engine lists, probes, validation of a commit). With Node's default 16 MB
// semi-spaces that garbage alone held the RSS near 120 MB. And V8's heap controller lets the
// old generation grow to up to 4x the live heap before the next full GC when its limit is
// large (Node's default: several GB on a big machine), about 1.3x when the limit is 256 MB or
// less: the cap is what keeps garbage from piling up (500 pods, 10 commits: 178 MB RSS without
// it, 114 MB with it). 256 MB is 8x the live heap at 500 pods. Measured: `npm run bench --
// scale --operator` and the same operator restarted with and without the flag.
// No optimizing or baseline compiler (`--no-opt --no-sparkplug`) and V8's size-over-speed
// heuristics (`--optimize-for-size`): berth waits on the engine and git far more than it
// computes, and their code pages and type feedback were 15-25 MB of its RSS at 500 pods
// (docs/scale.md). What is slower interpreted is a commit's first validation (0.5 -> 0.9 s
// of CPU for 500 files; later commits only parse what changed). Not `--lite-mode`, which
// implies `--jitless` and so disables WebAssembly, which `fetch` (undici) needs.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerValidate } from './commands/validate';
import { registerApply } from './commands/apply';
import { registerGet } from './commands/get';
import { registerDelete } from './commands/delete';
import { registerDiff } from './commands/diff';
import { registerRun } from './commands/run';
import { registerHistory } from './commands/history';
import { registerRollout } from './commands/rollout';
import { registerLogs } from './commands/logs';
import { registerDescribe } from './commands/describe';
import { registerRolloutRestart, registerSync } from './commands/actions';
import { registerTop } from './commands/top';
import { registerSwarmMeshImage } from './commands/swarmMeshImage';
import { EXIT, describeError, describeKubectlError, exitCodeFor, kubectlExitCodeFor, type ExitCode } from './exit';

/**
 * Runs a command and exits with its code once stdout and stderr are flushed. Exiting does not
 * wait for engine requests still open: `berth apply` leaves the stops of old pods to the
 * engine (which finishes them on its own, rollout/terminator.ts) instead of waiting out their
 * grace periods.
 */
function run(fn: () => Promise<ExitCode>): void {
  fn().then(
    (code) => exitWhenFlushed(code),
    (err: unknown) => {
      process.stderr.write(describeError(err) + '\n');
      exitWhenFlushed(exitCodeFor(err));
    },
  );
}

/** run() for the verbs shaped after kubectl's (exit.ts: kubectlExitCodeFor). */
function runKubectl(fn: () => Promise<ExitCode>): void {
  fn().then(
    (code) => exitWhenFlushed(code),
    (err: unknown) => {
      process.stderr.write(describeKubectlError(err) + '\n');
      exitWhenFlushed(kubectlExitCodeFor(err));
    },
  );
}

function exitWhenFlushed(code: ExitCode): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

export function buildProgram(): Command {
  const program = new Command('berth')
    .description('GitOps for one Docker host: Kubernetes-style manifests from git, run on Docker')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerValidate(program, run);
  registerApply(program, run);
  registerGet(program, runKubectl);
  registerDelete(program, run);
  registerDiff(program, run);
  registerRun(program, run);
  registerHistory(program, run);
  registerRollout(program, run);
  registerRolloutRestart(program, run);
  registerSync(program, run);
  registerTop(program, run);
  registerSwarmMeshImage(program, run);
  registerLogs(program, runKubectl);
  registerDescribe(program, runKubectl);
  return program;
}

if (require.main === module) {
  try {
    buildProgram().parse(process.argv);
  } catch (err) {
    // commander already printed the usage error; help and version exit 0.
    const ce = err as CommanderError;
    const okCodes = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    process.exitCode = ce && okCodes.includes(ce.code) ? EXIT.ok : EXIT.error;
  }
}

/** The version in package.json (three folders up from dist/src/cli). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as { version: string }).version;
}
