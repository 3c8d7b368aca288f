/**
 * The proxy process's life: take the pid file, follow endpoints.json (fs.watch on the
 * directory, plus a periodic stat in case an event is missed), apply each new table,
 * acknowledge it in ack.json, and leave when told (SIGTERM) or when the pid file no
 * longer names this process (the instance was deleted, or another proxy took over).
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import type { Logger } from '../../util';
import { messageOf } from '../../util';
import { AckWriter } from './ack';
import { proxyPaths, readPidFile, readTable, type ProxyPaths } from './files';
import { acquirePidFile, releasePidFile } from './pidfile';
import { processStartTime } from '../../util';
import { Proxy } from './proxy';
import { TABLE_FORMAT, type AckFile, type PidFile } from './types';

export interface DaemonOptions {
  stateDir: string;
  instance: string;
  nonce: string;
  log: Logger;
  connectTimeoutMs?: number;
  bindRetryMs?: number;
  udpIdleMs?: number;
  /** Period of the stat fallback for missed watch events. */
  pollMs?: number;
  /** Period of the check that the pid file still names this process. */
  ownerCheckMs?: number;
}

export type DaemonStart = { kind: 'running'; daemon: Daemon } | { kind: 'already-running'; holder: PidFile };

export async function startDaemon(opts: DaemonOptions): Promise<DaemonStart> {
  const paths = proxyPaths(opts.stateDir, opts.instance);
  await mkdir(paths.dir, { recursive: true });
  const me: PidFile = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    nonce: opts.nonce,
    instance: opts.instance,
    format: TABLE_FORMAT,
    startedAt: new Date().toISOString(),
  };
  const got = await acquirePidFile(paths.pid, me);
  if (got.kind === 'held') return { kind: 'already-running', holder: got.holder };
  const daemon = new Daemon(paths, me, opts);
  await daemon.start();
  return { kind: 'running', daemon };
}

export class Daemon {
  private readonly proxy: Proxy;
  private readonly ack: AckWriter;
  private generation = 0;
  private tableError?: string;
  private lastStat = '';
  private loading?: Promise<void>;
  private again = false;
  private watcher?: FSWatcher;
  private timers: NodeJS.Timeout[] = [];
  private ownerMisses = 0;
  private stopped = false;
  /** Resolves when the daemon stops (signal, lost pid file). */
  readonly done: Promise<string>;
  private finish!: (why: string) => void;

  constructor(
    private readonly paths: ProxyPaths,
    private readonly me: PidFile,
    private readonly opts: DaemonOptions,
  ) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.ack = new AckWriter(paths.ack, paths.dir, () => this.ackFile(), opts.log);
    this.proxy = new Proxy({ ...opts, onChange: () => this.ack.schedule() });
  }

  async start(): Promise<void> {
    await this.load();
    this.ack.schedule(true);
    try {
      this.watcher = watch(this.paths.dir, (_event, file) => {
        if (file === null || String(file) === 'endpoints.json') void this.load();
      });
      this.watcher.on('error', (err) => this.opts.log.warn({ err: messageOf(err) }, 'watch failed; polling only'));
    } catch (err) {
      this.opts.log.warn({ err: messageOf(err) }, 'cannot watch; polling only');
    }
    this.timers.push(setInterval(() => void this.load(), this.opts.pollMs ?? 1000));
    this.timers.push(setInterval(() => void this.checkOwner(), this.opts.ownerCheckMs ?? 5000));
  }

  async stop(why: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.opts.log.info({ why }, 'proxy stopping');
    for (const t of this.timers) clearInterval(t);
    this.watcher?.close();
    this.ack.stop();
    this.proxy.close();
    await releasePidFile(this.paths.pid, this.me);
    this.finish(why);
  }

  /** Reads endpoints.json when it changed; concurrent calls collapse into one more read. */
  private load(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        await this.loadOnce();
      } while (this.again && !this.stopped);
    })().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadOnce(): Promise<void> {
    const sig = await statSignature(this.paths.endpoints);
    if (sig === this.lastStat) return;
    const r = await readTable(this.paths.endpoints);
    if (this.stopped) return;
    this.lastStat = sig;
    if (r.kind === 'missing') return;
    if (r.kind === 'invalid') {
      if (this.tableError !== r.error) this.opts.log.error({ err: r.error }, 'endpoints.json rejected; the previous table stays');
      this.tableError = r.error;
      this.ack.schedule(true);
      return;
    }
    this.tableError = undefined;
    if (r.value.generation !== this.generation) {
      await this.proxy.apply(r.value.listeners);
      this.generation = r.value.generation;
      this.opts.log.info({ generation: this.generation, listeners: r.value.listeners.length }, 'table applied');
    }
    this.ack.schedule(true);
  }

  private async checkOwner(): Promise<void> {
    const cur = await readPidFile(this.paths.pid);
    const mine = cur.kind === 'ok' && cur.value.pid === this.me.pid && cur.value.nonce === this.me.nonce;
    this.ownerMisses = mine || cur.kind === 'invalid' ? 0 : this.ownerMisses + 1;
    if (this.ownerMisses >= 2) await this.stop(cur.kind === 'missing' ? 'pid file removed' : `pid file names pid ${cur.kind === 'ok' ? cur.value.pid : '?'}`);
  }

  private ackFile(): AckFile {
    return {
      format: TABLE_FORMAT,
      pid: this.me.pid,
      nonce: this.me.nonce,
      generation: this.generation,
      writtenAt: new Date().toISOString(),
      listeners: this.proxy.state(),
      connections: this.proxy.counters.snapshot(),
      ...(this.tableError ? { tableError: this.tableError } : {}),
    };
  }
}

async function statSignature(path: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return 'missing';
  }
}
