/**
 * The set of listeners the proxy process runs, driven by tables: apply() opens new
 * listeners, hands new endpoint lists to existing ones and closes the ones no longer in
 * the table (their open connections drain). It knows nothing of files.
 */
import type { Logger } from '../../util';
import { ConnectionCounters } from './counters';
import type { Listener, ListenerDeps } from './listener';
import { TcpListener } from './tcp';
import { UdpListener } from './udp';
import { HttpListener } from './http';
import { listenerKey, type ListenerSpec, type ListenerState } from './types';
import { compareText } from '../../util';

export interface ProxyOptions {
  log: Logger;
  connectTimeoutMs?: number;
  bindRetryMs?: number;
  udpIdleMs?: number;
  /** Called whenever something an ack reports changed (binds, counts). */
  onChange?: () => void;
}

export class Proxy {
  readonly counters: ConnectionCounters;
  private readonly listeners = new Map<string, Listener>();
  private readonly deps: ListenerDeps;

  constructor(opts: ProxyOptions) {
    const onChange = opts.onChange ?? (() => undefined);
    this.counters = new ConnectionCounters(onChange);
    this.deps = {
      counters: this.counters,
      log: opts.log,
      onChange,
      connectTimeoutMs: opts.connectTimeoutMs ?? 1000,
      bindRetryMs: opts.bindRetryMs ?? 2000,
      udpIdleMs: opts.udpIdleMs ?? 30_000,
    };
  }

  /** Resolves once every new listener has tried to bind once (bound, or its error recorded). */
  async apply(specs: readonly ListenerSpec[]): Promise<void> {
    const binding: Promise<void>[] = [];
    const wanted = new Map(specs.map((s) => [listenerKey(s), s]));
    for (const [key, l] of this.listeners) {
      if (wanted.has(key)) continue;
      l.close();
      this.listeners.delete(key);
      this.deps.log.info({ listener: key }, 'listener removed; open connections drain');
    }
    for (const [key, spec] of wanted) {
      const existing = this.listeners.get(key);
      if (existing && isHttp(existing.spec) === isHttp(spec) && sameCerts(existing.spec, spec)) {
        existing.update(spec);
        continue;
      }
      existing?.close();
      const l =
        spec.protocol === 'UDP' ? new UdpListener(spec, this.deps) : isHttp(spec) ? new HttpListener(spec, this.deps) : new TcpListener(spec, this.deps);
      this.listeners.set(key, l);
      binding.push(l.start());
    }
    await Promise.all(binding);
  }

  state(): ListenerState[] {
    return [...this.listeners.values()].map((l) => ({ ...l.spec, ...l.stats() })).sort((a, b) => compareText(listenerKey(a), listenerKey(b)));
  }

  close(): void {
    for (const l of this.listeners.values()) l.close();
    this.listeners.clear();
  }
}

/** An Ingress listener speaks HTTP (src/services/proxy/http.ts); every other TCP listener forwards bytes. */
function isHttp(spec: ListenerSpec): boolean {
  return spec.source === 'ingress';
}

/** The HTTPS server holds its default certificate from the bind on: another set of certificates means a new server. */
function sameCerts(a: ListenerSpec, b: ListenerSpec): boolean {
  return JSON.stringify(a.http?.tls ?? null) === JSON.stringify(b.http?.tls ?? null);
}
