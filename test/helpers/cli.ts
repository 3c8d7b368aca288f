/**
 * Running the built CLI (`dist/src/cli/main.js`) as a child process, the way a person or a
 * script does: exit code and both output streams, nothing shared with the test's process.
 *
 *   const r = await runCli(['apply', dir, '--instance', instance, '--state-dir', stateDir]);
 *   assert.strictEqual(r.code, 0, r.stdout + r.stderr);
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface CliResult {
  /** Exit code; -1 when the process was killed by a signal (e.g. the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (and overriding) the test process's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Killed with SIGKILL after this long (default 90 s); the result says so in stderr. */
  timeoutMs?: number;
}

/** The compiled entry point: tests run from dist/test/helpers, the CLI is dist/src/cli/main.js. */
export const CLI_MAIN = path.resolve(__dirname, '../../src/cli/main.js');

/** Environment variables of the CLI that must not leak from the developer's shell into a test. */
const BERTH_ENV = [
  'BERTH_INSTANCE',
  'BERTH_STATE_DIR',
  'BERTH_PAUSE_IMAGE',
  'BERTH_PAUSE_COMMAND',
  'BERTH_DEBUG',
  'BERTH_SERVICE_ANCHORS',
  'BERTH_PROXY_MODE',
  'BERTH_ENGINE',
];

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of BERTH_ENV) delete env[k];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timeoutMs = opts.timeoutMs ?? 90_000;
    const timer = setTimeout(() => {
      stderr += `\n[runCli: killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `args` plus the engine options every engine-facing command takes. */
export function engineArgs(args: readonly string[], instance: string, stateDir: string): string[] {
  return [...args, '--instance', instance, '--state-dir', stateDir];
}

/** One line of context for an assertion message: the command's exit code and its output. */
export function describeRun(r: CliResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}
