/**
 * The mesh proxy's endpoints: every backend name resolved on the overlay, polled. Docker's
 * DNS (127.0.0.11 in the container) answers `tasks.<service>` with the addresses of the tasks
 * that hold a service binding: the swarm adds a task's binding once its health check passes
 * and removes it, then waits two seconds for the gossip to spread, before the task is sent
 * SIGTERM (moby's container controller: activateServiceBinding after healthy,
 * deactivateServiceBinding + defaultGossipConvergeDelay at shutdown). So a poll well under
 * two seconds stops new connections to a task before it stops.
 */
import { Resolver } from 'node:dns/promises';
import type { ListenerSpec } from '../../services';
import type { MeshConfig } from './config';

/** Addresses per backend name; a name not in the map has none (yet). */
export type Resolved = ReadonlyMap<string, readonly string[]>;

/** The proxy's listeners for the config and what the names resolve to now (pure; stable order). */
export function meshListeners(config: MeshConfig, resolved: Resolved): ListenerSpec[] {
  return config.listeners.map((l) => ({
    protocol: l.protocol,
    address: '0.0.0.0',
    port: l.port,
    service: l.service,
    servicePort: l.servicePort,
    source: l.source,
    endpoints: l.backends
      .flatMap((b) => [...(resolved.get(b.name) ?? [])].sort().map((ip) => ({ ip, port: b.port, pod: b.name })))
      .filter((e, i, all) => all.findIndex((x) => x.ip === e.ip && x.port === e.port) === i),
  }));
}

/** Backend names of a config, once each. */
export function backendNames(config: MeshConfig): string[] {
  return [...new Set(config.listeners.flatMap((l) => l.backends.map((b) => b.name)))].sort();
}

/** No such name: no task of that service holds a binding now (none ready). Any other error is transient. */
const NONE = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * One round of lookups. A name that does not exist has no endpoints; a lookup that failed
 * otherwise (timeout, the resolver restarting) keeps the name's previous addresses, so a DNS
 * hiccup never empties a listener.
 */
export async function resolveAll(names: readonly string[], previous: Resolved, lookup: (name: string) => Promise<string[]>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  await Promise.all(
    names.map(async (name) => {
      try {
        out.set(name, await lookup(name));
      } catch (err) {
        if (NONE.has((err as NodeJS.ErrnoException).code ?? '')) out.set(name, []);
        else out.set(name, [...(previous.get(name) ?? [])]);
      }
    }),
  );
  return out;
}

/** A/AAAA lookups through the container's resolver (c-ares: no NSS libraries needed in the image). */
export function dnsLookup(timeoutMs: number): (name: string) => Promise<string[]> {
  const r = new Resolver({ timeout: timeoutMs, tries: 1 });
  return (name) => r.resolve4(name);
}
