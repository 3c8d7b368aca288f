/**
 * The operator's handle on its proxy process. The proxy runs detached from the operator
 * (its own session, output to proxy.log) so that stopping, killing or restarting the
 * operator never interrupts traffic; the operator and the proxy talk only through files
 * in `<stateDir>/proxy/<instance>/`: endpoints.json (operator -> proxy), ack.json
 * (proxy -> operator) and pid.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../util';
import { pollUntil, sleep } from '../../util';
import { BerthError } from '../../util';
import { proxyPaths, readAck, readPidFile, readTable, type ProxyPaths } from './files';
import { isSameProcess, pidAlive } from '../../util';
import { proxyStatus } from './status';
import { TABLE_FORMAT, type AckFile, type EndpointTable, type ListenerSpec, type PidFile, type ProxyStatus, type TableFile } from './types';

export interface ProxySupervisorOptions {
  stateDir: string;
  instance: string;
  /** Node binary (default: this process's). */
  nodePath?: string;
  /** The proxy entry (default: main.js next to this file). */
  mainPath?: string;
  /** How long ensureRunning waits for a new proxy to come up (default 10 s). */
  startTimeoutMs?: number;
  /** Extra arguments for main.js (e.g. ['--connect-timeout-ms', '500']). */
  args?: string[];
  /** Interval of the ack polls in waitApplied/drain (default 50 ms). */
  pollMs?: number;
}

export class ProxySupervisor {
  readonly paths: ProxyPaths;

  private readonly opts: ProxySupervisorOptions;

  constructor(opts: ProxySupervisorOptions) {
    // The proxy runs in its own directory: a relative state dir would point elsewhere there.
    this.opts = { ...opts, stateDir: resolve(opts.stateDir) };
    this.paths = proxyPaths(this.opts.stateDir, opts.instance);
  }

  /** The live proxy of this instance, if any. */
  async running(): Promise<PidFile | undefined> {
    const r = await readPidFile(this.paths.pid);
    return r.kind === 'ok' && isSameProcess(r.value) ? r.value : undefined;
  }

  /** Start the proxy unless a live one is recorded; resolves once it has acknowledged. */
  async ensureRunning(): Promise<void> {
    if (await this.running()) return;
    const nonce = randomBytes(8).toString('hex');
    const pid = this.spawnProxy(nonce);
    await pollUntil(
      async () => {
        const holder = await this.running();
        if (holder && (holder.nonce !== nonce || (await this.ackedBy(holder)))) return true; // ours up, or another won the race
        if (!holder && !pidAlive(pid)) throw new BerthError('E_IO', `proxy exited at start; see ${this.paths.log}`);
        return undefined;
      },
      { timeoutMs: this.opts.startTimeoutMs ?? 10_000, intervalMs: 25, what: `the proxy of instance ${this.opts.instance} to start (log: ${this.paths.log})` },
    );
  }

  /**
   * Publish listeners for the proxy to apply; returns the table's generation. A table equal
   * to the one in force is not written again, and keeps its generation.
   */
  async publish(table: EndpointTable | readonly ListenerSpec[]): Promise<number> {
    const listeners = Array.isArray(table) ? table : (table as EndpointTable).listeners;
    const cur = await readTable(this.paths.endpoints);
    const ack = await readAck(this.paths.ack);
    const last = Math.max(cur.kind === 'ok' ? cur.value.generation : 0, ack.kind === 'ok' ? ack.value.generation : 0);
    if (cur.kind === 'ok' && JSON.stringify(cur.value.listeners) === JSON.stringify(listeners)) return cur.value.generation;
    const file: TableFile = { format: TABLE_FORMAT, generation: last + 1, writtenAt: new Date().toISOString(), listeners: [...listeners] };
    await writeFileAtomic(this.paths.endpoints, JSON.stringify(file, null, 1) + '\n');
    return file.generation;
  }

  /** true once the running proxy acknowledges generation `gen` (or a later one). */
  async waitApplied(gen: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ack = await this.liveAck();
      if (ack && ack.generation >= gen) return true;
      if (Date.now() >= deadline) return false;
      await sleep(this.opts.pollMs ?? 50);
    }
  }

  /**
   * Wait until the proxy reports no open connection to any of `endpoints` (`ip:port`), or
   * `graceMs` passes. Call after a table without them was applied. Resolves either way:
   * the grace period is the limit, as for a Kubernetes pod; the answer says which ended it.
   */
  async drain(endpoints: readonly string[], graceMs: number): Promise<'drained' | 'grace-expired'> {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const ack = await this.liveAck();
      if (!ack || endpoints.every((e) => !ack.connections[e])) return 'drained';
      if (Date.now() >= deadline) return 'grace-expired';
      await sleep(this.opts.pollMs ?? 50);
    }
  }

  async status(): Promise<ProxyStatus> {
    const [holder, table, ack] = await Promise.all([this.running(), readTable(this.paths.endpoints), readAck(this.paths.ack)]);
    return proxyStatus(
      holder,
      table.kind === 'ok' ? table.value : undefined,
      ack.kind === 'ok' && holder && ack.value.pid === holder.pid ? ack.value : undefined,
    );
  }

  /** Stop the proxy (SIGTERM, SIGKILL after `timeoutMs`). Traffic stops: for `berth delete` and tests. */
  async stop(timeoutMs = 5000): Promise<void> {
    const holder = await this.running();
    if (!holder) return;
    signal(holder.pid, 'SIGTERM');
    const gone = await pollUntil(() => (isSameProcess(holder) ? undefined : true), { timeoutMs, intervalMs: 25 }).catch(() => false);
    if (!gone) {
      signal(holder.pid, 'SIGKILL');
      await pollUntil(() => (isSameProcess(holder) ? undefined : true), { timeoutMs: 2000, intervalMs: 25 }).catch(() => undefined);
    }
    const left = await readPidFile(this.paths.pid);
    if (left.kind === 'ok' && left.value.nonce === holder.nonce) await unlink(this.paths.pid).catch(() => undefined);
  }

  /** The ack of the live proxy; undefined when no proxy runs or it has not written one. */
  private async liveAck(): Promise<AckFile | undefined> {
    const holder = await this.running();
    if (!holder) return undefined;
    const ack = await readAck(this.paths.ack);
    return ack.kind === 'ok' && ack.value.pid === holder.pid && ack.value.nonce === holder.nonce ? ack.value : undefined;
  }

  private async ackedBy(holder: PidFile): Promise<boolean> {
    const ack = await readAck(this.paths.ack);
    return ack.kind === 'ok' && ack.value.nonce === holder.nonce;
  }

  private spawnProxy(nonce: string): number {
    mkdirSync(this.paths.dir, { recursive: true });
    const out = openSync(this.paths.log, 'a', 0o644);
    try {
      const main = this.opts.mainPath ?? join(__dirname, 'main.js');
      const args = [main, '--state-dir', this.opts.stateDir, '--instance', this.opts.instance, '--nonce', nonce, ...(this.opts.args ?? [])];
      const node = this.opts.nodePath ?? process.execPath;
      const child = spawn(node, args, { detached: true, stdio: ['ignore', out, out], cwd: this.paths.dir });
      child.on('error', () => undefined); // reported through the start poll
      child.unref();
      if (child.pid === undefined) throw new BerthError('E_IO', `cannot start the proxy (${process.execPath} ${main})`);
      return child.pid;
    } finally {
      closeSync(out);
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
