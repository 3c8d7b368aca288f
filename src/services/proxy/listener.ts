/** What the proxy needs of a listener, TCP or UDP. */
import { listenerKey, type ListenerSpec } from './types';
import type { ConnectionCounters } from './counters';
import type { Logger } from '../../util';

export interface ListenerDeps {
  counters: ConnectionCounters;
  log: Logger;
  /** Called when bound/error/forwarded/rejected change. */
  onChange: () => void;
  connectTimeoutMs: number;
  /** Delay before binding again after a bind failure. */
  bindRetryMs: number;
  /** UDP: a session with no datagram either way for this long is closed. */
  udpIdleMs: number;
}

export interface ListenerStats {
  bound: boolean;
  error?: string;
  forwarded: number;
  rejected: number;
}

export interface Listener {
  readonly spec: ListenerSpec;
  /** New endpoints (and service labels) for new connections; open ones are left alone. */
  update(spec: ListenerSpec): void;
  /** Bind; resolves after the first attempt succeeded or failed (failures are retried in the background). */
  start(): Promise<void>;
  /** Stop accepting; open TCP connections drain on their own. */
  close(): void;
  stats(): ListenerStats;
}

export function bindErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return `EADDRINUSE: the port is in use by another process`;
  if (e.code === 'EACCES') return `EACCES: not allowed to bind this port`;
  if (e.code === 'EADDRNOTAVAIL') return `EADDRNOTAVAIL: this host has no such address`;
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? e);
}

/**
 * Binding with retries, shared by the TCP and UDP listeners: a bind failure (port in use) is
 * recorded in the stats, logged, and tried again every `bindRetryMs` until close().
 */
export abstract class RetryingListener implements Listener {
  protected closed = false;
  protected readonly st: ListenerStats = { bound: false, forwarded: 0, rejected: 0 };
  private retry?: NodeJS.Timeout;

  constructor(
    public spec: ListenerSpec,
    protected readonly deps: ListenerDeps,
  ) {}

  /** Make the socket; call `failed` on a bind error, `bound` once it listens. */
  protected abstract bind(failed: (err: Error) => void, bound: () => void): void;
  /** Close the socket (after a failed bind, and on close()). */
  protected abstract release(): void;

  update(spec: ListenerSpec): void {
    this.spec = spec;
  }

  stats(): ListenerStats {
    return { ...this.st };
  }

  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((settle) => {
      this.bind(
        (err) => {
          this.st.bound = false;
          this.st.error = bindErrorText(err);
          this.deps.log.warn({ listener: listenerKey(this.spec), err: this.st.error }, 'listener cannot bind; retrying');
          this.deps.onChange();
          settle();
          this.release();
          if (!this.closed) this.retry = setTimeout(() => void this.start(), this.deps.bindRetryMs);
        },
        () => {
          this.st.bound = true;
          delete this.st.error;
          this.deps.log.info({ listener: listenerKey(this.spec), service: this.spec.service }, 'listening');
          this.deps.onChange();
          settle();
        },
      );
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.release();
    this.st.bound = false;
  }
}
