/**
 * `berth run` as a child process for end-to-end tests: started with a free API port, its
 * output kept for failure messages, stopped with a signal, started again on the same
 * instance and state directory; `history()` reads `berth history -o json`.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { pollUntil } from '../../src/util/eventually';
import { CLI_MAIN, runCli } from './cli';
import { PAUSE_COMMAND, TEST_IMAGE } from './testImage';

export interface HistoryEntry {
  sha: string;
  status: string;
  subject?: string;
  author?: string;
  reason?: string;
  rollbackTo?: string;
  revertSha?: string;
  errors?: string[];
  actions?: number;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

export class BerthProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  output = '';
  port = 0;

  /** `args` after `run`, without --instance/--state-dir/--listen/--pause-* (added here: the test image pauses). */
  constructor(
    readonly instance: string,
    readonly stateDir: string,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    this.port ||= await freePort();
    const argv = [CLI_MAIN, 'run', ...this.args, '--instance', this.instance, '--state-dir', this.stateDir, '--listen', `127.0.0.1:${this.port}`, '--pause-image', TEST_IMAGE, '--pause-command', PAUSE_COMMAND.join(' ')];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
    await pollUntil(async () => ((await fetch(`http://127.0.0.1:${this.port}/healthz`).catch(() => undefined))?.ok ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `berth run to answer /healthz; it said:\n${this.output.slice(-2000)}`,
    });
  }

  /** Sends `signal` and waits for the exit; returns the exit code (null when killed). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    return this.exited!;
  }

  async history(): Promise<HistoryEntry[]> {
    const r = await runCli(['history', '-o', 'json', '--instance', this.instance, '--state-dir', this.stateDir]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as HistoryEntry[];
  }

  /** Waits until `sha` has `status` in the history, and returns its entry. */
  entry(sha: string, status: string, timeoutMs = 90_000): Promise<HistoryEntry> {
    return pollUntil(async () => (await this.history()).find((e) => e.sha === sha && e.status === status), {
      timeoutMs,
      intervalMs: 500,
      what: `${sha.slice(0, 8)} to be ${status}; berth said:\n${this.output.slice(-3000)}`,
    });
  }
}
