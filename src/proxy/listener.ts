/** What the proxy needs of a listener, TCP or UDP. */
import type { ListenerSpec } from './types';
import type { ConnectionCounters } from './counters';
import type { Logger } from '../util/log';

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
