/**
 * `berth run` as a child process, the way the end-to-end tests drive it: a local git repo,
 * one instance, a state dir, the API on a free loopback port. Revisions' outcomes come
 * from `berth history -o json`. `cleanup` removes everything of the instance: the operator,
 * its proxies (which outlive it by design), containers, networks and volumes.
 */
import { freePort } from '../../src/util/freePort';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ProxySupervisor } from '../../src/services/proxy';
import type { Runtime } from '../../src/runtime/types';
import { anchorProxyNames } from '../../src/services/anchors';
import { pollUntil } from '../../src/util/eventually';
import { removeInstance } from './docker';

export const CLI_MAIN = path.resolve(__dirname, '../../src/cli/main.js');

/**
 * Node flags of the `berth` binary's shebang (`#!/usr/bin/env -S node FLAGS`), so the bench
 * runs the operator as a user's `berth run` does; plus BENCH_NODE_ARGS (e.g. `--cpu-prof`).
 */
export function operatorNodeArgs(main = CLI_MAIN, env = process.env): string[] {
  const first = readFileSync(main, 'utf8').split('\n', 1)[0];
  const shebang = /^#!\/usr\/bin\/env(?: -S)? node(.*)$/.exec(first)?.[1] ?? '';
  return [...shebang.trim().split(/\s+/), ...(env.BENCH_NODE_ARGS ?? '').trim().split(/\s+/)].filter(Boolean);
}

export interface Revision {
  sha: string;
  status: string;
  reason?: string;
  rollbackTo?: string;
}

const TERMINAL = new Set(['succeeded', 'failed', 'rejected', 'superseded']);

export class Operator {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private out = '';
  port = 0;

  constructor(
    readonly instance: string,
    readonly stateDir: string,
    private readonly args: string[],
    /** The operator's environment (e.g. DOCKER_HOST of a swarm manager). */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The operator's process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the operator process ended (`exited 1`, `killed by SIGKILL`), undefined while it runs. */
  get ended(): string | undefined {
    const c = this.child;
    if (!c || (c.exitCode === null && c.signalCode === null)) return undefined;
    return c.signalCode ? `killed by ${c.signalCode}` : `exited ${c.exitCode}`;
  }

  /** The last `chars` characters the operator printed. */
  tail(chars = 3000): string {
    return this.out.slice(-chars);
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const argv = [
      ...operatorNodeArgs(),
      CLI_MAIN,
      'run',
      ...this.args,
      '--instance',
      this.instance,
      '--state-dir',
      this.stateDir,
      '--listen',
      `127.0.0.1:${this.port}`,
    ];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
    const keep = (c: Buffer): void => {
      this.out = (this.out + c.toString()).slice(-20_000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.child = child;
    await pollUntil(async () => ((await fetch(`http://127.0.0.1:${this.port}/healthz`).catch(() => undefined))?.ok ? true : undefined), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: `berth run to answer /healthz`,
    }).catch((err: Error) => {
      throw new Error(`${err.message}; it said:\n${this.tail()}`);
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async history(): Promise<Revision[]> {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [CLI_MAIN, 'history', '-o', 'json', '--instance', this.instance, '--state-dir', this.stateDir], (err, so, se) =>
        err ? reject(new Error(`berth history failed: ${se || err.message}`)) : resolve(so),
      ),
    );
    return JSON.parse(stdout) as Revision[];
  }

  /** Waits until `sha` has a final outcome; throws unless it is `expected`. */
  async outcome(sha: string, expected: string, timeoutMs = 90_000): Promise<Revision> {
    const rev = await pollUntil(async () => (await this.history()).find((e) => e.sha === sha && TERMINAL.has(e.status)), {
      timeoutMs,
      intervalMs: 250,
      what: `an outcome for ${sha.slice(0, 8)}`,
    }).catch((err: Error) => {
      throw new Error(`${err.message}; berth said:\n${this.tail()}`);
    });
    if (rev.status !== expected)
      throw new Error(`${sha.slice(0, 8)} ended ${rev.status} (${rev.reason ?? 'no reason'}), expected ${expected}; berth said:\n${this.tail()}`);
    return rev;
  }
}

/** Stops the operator, the instance's proxies (its own and its Services' anchors), then removes its objects. */
export async function cleanupBerth(rt: Runtime, op: Operator): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    await fn().catch((err: Error) => problems.push(`${what}: ${err.message}`));
  };
  await attempt('operator', () => op.stop());
  for (const name of [op.instance, ...anchorProxyNames(op.stateDir, op.instance)]) {
    await attempt(`proxy ${name}`, () => new ProxySupervisor({ stateDir: op.stateDir, instance: name }).stop());
  }
  await attempt(`objects of ${op.instance}`, () => removeInstance(rt, op.instance));
  return problems;
}
