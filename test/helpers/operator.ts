/**
 * `berth run` as a child process for end-to-end tests, and the ways a test looks at what it
 * did: `berth history -o json`, the HTTP API, the git notes in berth's own clone, and the
 * engine's containers of the instance.
 *
 *   const env = new E2EEnv('op-basic');            // one per describe
 *   afterEach(() => env.cleanup());                 // kills operators, removes objects and dirs
 *   const inst = env.instance();                    // `t-op-basic-...`, cleaned up afterwards
 *   const op = await env.start({ repo, instance: inst, stateDir: await env.stateDir() });
 *   await op.waitFor(sha, 'succeeded');
 *
 * The operator listens on 127.0.0.1:0; the address is read from its own output
 * ("dashboard and API at http://..."), so there is no free-port race.
 */
import { isDeepStrictEqual } from 'node:util';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { StatusSnapshot } from '../../src/api/types';
import type { HistoryJson } from '../../src/audit/history';
import type { ContainerSummary, Runtime } from '../../src/runtime/types';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { CLI_MAIN, describeRun, runCli } from './cli';
import { cleanupInstance, testRuntime, uniqueInstance } from './docker';
import { cleanupTemp, git, tempDir } from './gitRepo';
import { PAUSE_COMMAND, TEST_IMAGE, ensureTestImage } from './testImage';

/** An entry of `berth history -o json` / `GET /api/v1/revisions`. */
export type HistoryEntry = HistoryJson;

export interface OperatorArgs {
  /** --repo: a path or URL. */
  repo: string;
  instance: string;
  stateDir: string;
  /** --poll (default every 2 s). Use NEVER_POLL to prove another trigger did the work. */
  poll?: string;
  /** --resync in seconds (default 3600: no pass happens unless something triggers it). */
  resync?: number;
  /** Any further `berth run` arguments (--branch, --webhook-secret, --no-prune, ...). */
  extra?: string[];
  /** Environment overrides for the child. */
  env?: Record<string, string>;
}

/** A valid schedule that does not fire during a test (midnight of January 1st). */
export const NEVER_POLL = '0 0 0 1 1 *';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Time from the signal (or from the call when none was sent) to the exit. */
  ms: number;
}

const live = new Set<OperatorProcess>();
const children = new Set<ChildProcess>();
// A test process that dies (or mocha's --exit) must not leave operators behind.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A condition that can no longer come true: returned from a poll to stop it at once. */
class Fatal extends Error {}

function orThrow<T>(v: T | Fatal): T {
  if (v instanceof Fatal) throw v;
  return v;
}

export class OperatorProcess {
  output = '';
  url = '';
  private readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitedWith?: { code: number | null; signal: NodeJS.Signals | null };

  private constructor(
    readonly args: OperatorArgs,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    children.add(child);
    this.exit = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exitedWith = { code, signal };
        live.delete(this);
        children.delete(child);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.exitedWith === undefined;
  }

  /** Spawns `berth run` and waits until its API answers /healthz. */
  static async start(args: OperatorArgs): Promise<OperatorProcess> {
    const child = spawn(process.execPath, [CLI_MAIN, ...runArgv(args)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BERTH_LOG_LEVEL: 'debug', ...args.env },
    });
    const op = new OperatorProcess(args, child);
    live.add(op);
    try {
      op.url = await pollUntil(() => op.announcedUrl(), { timeoutMs: 20_000, intervalMs: 50, what: 'berth run to announce its API' }).then(orThrow);
      await pollUntil(async () => ((await fetch(`${op.url}/healthz`).catch(() => undefined))?.ok ? true : undefined), {
        timeoutMs: 10_000,
        intervalMs: 50,
        what: `berth run to answer /healthz; output:\n${op.tail()}`,
      });
    } catch (err) {
      await op.kill('SIGKILL');
      throw err instanceof Fatal ? err : new Error(`${(err as Error).message}; output:\n${op.tail()}`);
    }
    return op;
  }

  /** Starts `berth run` and waits for it to exit on its own (e.g. refused to start). */
  static async runToExit(args: OperatorArgs, timeoutMs = 20_000): Promise<{ code: number | null; output: string }> {
    const r = await runCli(runArgv(args), { timeoutMs, env: args.env });
    return { code: r.code, output: r.stdout + r.stderr };
  }

  private announcedUrl(): string | Fatal | undefined {
    const url = /dashboard and API at (http:\/\/[^\s/]+)\//.exec(this.output)?.[1];
    if (url) return url;
    if (!this.running) return new Fatal(`berth run exited (${JSON.stringify(this.exitedWith)}) before announcing its API:\n${this.tail()}`);
    return undefined;
  }

  /** The last `chars` of the operator's output, for failure messages. */
  tail(chars = 4000): string {
    return this.output.slice(-chars);
  }

  /** Sends `signal` (unless already exited) and waits for the exit, at most `timeoutMs`. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20_000): Promise<Exit> {
    const sent = Date.now();
    if (this.running) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`berth run did not exit within ${timeoutMs} ms of ${signal}; output:\n${this.tail()}`)), timeoutMs);
    });
    try {
      const e = await Promise.race([this.exit, timeout]);
      return { ...e, ms: Date.now() - sent };
    } catch (err) {
      this.child.kill('SIGKILL');
      await this.exit;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async get<T = unknown>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(this.url + path);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const res = await fetch(this.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    return { status: res.status, text: await res.text() };
  }

  async status(): Promise<StatusSnapshot> {
    const r = await this.get<StatusSnapshot>('/api/v1/status');
    assert.equal(r.status, 200, `GET /api/v1/status answered ${r.status}`);
    return r.body;
  }

  /** Value of a Prometheus sample, e.g. metric('berth_pass_duration_seconds_count'): the sum over labels. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  }

  history(): Promise<HistoryEntry[]> {
    return history(this.args.instance, this.args.stateDir);
  }

  /** GET /api/v1/revisions: the journal as the API serves it, newest first (cheap to poll). */
  async revisions(): Promise<HistoryEntry[]> {
    const r = await this.get<HistoryEntry[]>('/api/v1/revisions?limit=1000');
    assert.equal(r.status, 200, `GET /api/v1/revisions answered ${r.status}`);
    return r.body;
  }

  /**
   * Waits until `sha`'s latest status is `status`; returns its entry from `berth history -o
   * json`. Polls the API (a `berth history` process per look would load a busy machine).
   */
  async waitFor(sha: string, status: string, timeoutMs = 60_000): Promise<HistoryEntry> {
    await this.waitForApi(sha, status, timeoutMs);
    const entry = (await this.history()).find((x) => x.sha === sha);
    assert.equal(entry?.status, status, `the API said ${sha.slice(0, 8)} is ${status}; berth history says ${JSON.stringify(entry)}`);
    return entry!;
  }

  private waitForApi(sha: string, status: string, timeoutMs: number): Promise<HistoryEntry> {
    return pollUntil(
      async (): Promise<HistoryEntry | Fatal | undefined> => {
        const e = (await this.revisions()).find((x) => x.sha === sha);
        if (e?.status === status) return e;
        // Rejected and failed commits are never retried: waiting longer cannot help. (A
        // superseded or succeeded one is attempted again when the branch is reset to it.)
        if (e && (e.status === 'rejected' || e.status === 'failed'))
          return new Fatal(`${sha.slice(0, 8)} ended ${e.status}, not ${status}: ${JSON.stringify(e)}\noperator output:\n${this.tail()}`);
        if (!this.running)
          return new Fatal(`berth run exited (${JSON.stringify(this.exitedWith)}) while ${sha.slice(0, 8)} was not yet ${status}:\n${this.tail()}`);
        return undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${sha.slice(0, 8)} to be ${status}` },
    )
      .then(orThrow)
      .catch((err: Error) => {
        throw err instanceof Fatal ? err : new Error(`${err.message}; operator output:\n${this.tail()}`);
      });
  }
}

function runArgv(a: OperatorArgs): string[] {
  return [
    'run',
    '--repo',
    a.repo,
    '--instance',
    a.instance,
    '--state-dir',
    a.stateDir,
    '--listen',
    '127.0.0.1:0',
    '--poll',
    a.poll ?? '*/2 * * * * *',
    '--resync',
    String(a.resync ?? 3600),
    '--pause-image',
    TEST_IMAGE,
    '--pause-command',
    PAUSE_COMMAND.join(' '),
    ...(a.extra ?? []),
  ];
}

/** `berth history -o json` of an instance and state directory. */
export async function history(instance: string, stateDir: string): Promise<HistoryEntry[]> {
  const r = await runCli(['history', '-o', 'json', '--instance', instance, '--state-dir', stateDir]);
  assert.equal(r.code, 0, describeRun(r));
  return JSON.parse(r.stdout) as HistoryEntry[];
}

/** `berth history` as a person reads it. */
export async function historyText(instance: string, stateDir: string): Promise<string> {
  const r = await runCli(['history', '--instance', instance, '--state-dir', stateDir]);
  assert.equal(r.code, 0, describeRun(r));
  return r.stdout;
}

/** berth's own bare clone of the followed repository. */
export function berthClone(stateDir: string): string {
  return join(stateDir, 'repo');
}

/** The note under refs/notes/berth on `sha` in berth's clone; undefined when there is none. */
export async function noteOf(stateDir: string, sha: string): Promise<string | undefined> {
  try {
    return await git(stateDir, '--git-dir', berthClone(stateDir), 'notes', '--ref=refs/notes/berth', 'show', sha);
  } catch (err) {
    if (/no note found/i.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** Every container of `instance`, app and infra, running or not. */
export function containersOf(runtime: Runtime, instance: string): Promise<ContainerSummary[]> {
  return runtime.listContainers({ [LABEL.instance]: instance });
}

/** Pod name -> its containers (by the io.berth.pod label), for workload `owner` when given. */
export function byPod(containers: ContainerSummary[], owner?: string): Map<string, ContainerSummary[]> {
  const pods = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    if (owner !== undefined && c.labels[LABEL.owner] !== owner) continue;
    const pod = c.labels[LABEL.pod] ?? '(no pod label)';
    pods.set(pod, [...(pods.get(pod) ?? []), c]);
  }
  return pods;
}

/** Sorted "name=id" of the running containers of `owner`: equal lists mean nothing was recreated. */
/**
 * Polls `read` until it gives `expected` (deep equality), then asserts it, so a failure shows
 * the last value. For what settles just after a commit is recorded: pods the rollout left
 * terminating count toward nothing, but their containers stop and go a moment later.
 */
export async function settles<T>(read: () => Promise<T>, expected: T, what: string, timeoutMs = 15_000): Promise<void> {
  let last: T | undefined;
  await pollUntil(
    async () => {
      last = await read();
      return isDeepStrictEqual(last, expected) ? true : undefined;
    },
    { timeoutMs, intervalMs: 100, what },
  ).catch(() => undefined);
  assert.deepStrictEqual(last, expected, what);
}

export async function runningIds(runtime: Runtime, instance: string, owner?: string): Promise<string[]> {
  return (await containersOf(runtime, instance))
    .filter((c) => c.state === 'running' && (owner === undefined || c.labels[LABEL.owner] === owner))
    .map((c) => `${c.name}=${c.id}`)
    .sort();
}

/**
 * Per-describe bookkeeping of an end-to-end test: instances, state dirs and operators it
 * made, all undone by cleanup() (operators SIGKILLed first, then the engine objects of every
 * instance, then the temporary directories), also when the test failed half-way.
 */
export class E2EEnv {
  readonly runtime = testRuntime();
  private readonly instances: string[] = [];

  constructor(private readonly prefix: string) {}

  async prepare(): Promise<void> {
    await ensureTestImage({ runtime: this.runtime });
  }

  instance(suffix = ''): string {
    const name = uniqueInstance(`${this.prefix}${suffix}`);
    this.instances.push(name);
    return name;
  }

  stateDir(): Promise<string> {
    return tempDir('berth-e2e-state-');
  }

  start(args: OperatorArgs): Promise<OperatorProcess> {
    return OperatorProcess.start(args);
  }

  async cleanup(): Promise<void> {
    await killOperators();
    const errors: string[] = [];
    for (const inst of this.instances.splice(0)) {
      await cleanupInstance(this.runtime, inst).catch((err: Error) => errors.push(err.message));
    }
    await cleanupTemp();
    if (errors.length) throw new Error(errors.join('\n'));
  }
}

/** SIGKILL every `berth run` a test started that is still alive. */
export async function killOperators(): Promise<void> {
  await Promise.all([...live].map((op) => op.kill('SIGKILL').catch(() => undefined)));
}
