/**
 * What the mesh proxy on every node serves (pure): one listener per published port, each
 * with the DNS names that resolve to the ready tasks behind it. berth renders it into the
 * mesh service's environment (BERTH_MESH); the proxy reads it at start. It holds only what
 * changes with the Services (ports, which workloads they select), never task addresses: those
 * the proxy resolves itself, so a rollout does not touch the mesh service.
 */
import type { Protocol } from '../../services';

export const MESH_ENV = 'BERTH_MESH';

/** `tasks.<swarm service>`: the ready tasks' addresses on the overlay, and the port they listen on. */
export interface MeshBackend {
  name: string;
  port: number;
}

export interface MeshListener {
  protocol: Protocol;
  /** Published on every node (host mode) and listened on inside the container. */
  port: number;
  /** `namespace/name` of the Service. */
  service: string;
  servicePort: number;
  source: 'nodePort' | 'loadBalancer';
  backends: MeshBackend[];
}

export interface MeshConfig {
  format: 1;
  listeners: MeshListener[];
}

export type MeshConfigOutcome = { ok: true; config: MeshConfig } | { ok: false; error: string };

/** The environment's config, checked field by field: a bad one stops the proxy with the field named. */
export function parseMeshConfig(text: string | undefined): MeshConfigOutcome {
  if (!text) return { ok: false, error: `${MESH_ENV} is not set` };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${MESH_ENV}: not JSON: ${(err as Error).message}` };
  }
  const c = v as Partial<MeshConfig>;
  if (typeof c !== 'object' || c === null || c.format !== 1) return { ok: false, error: `${MESH_ENV}.format: not 1` };
  if (!Array.isArray(c.listeners)) return { ok: false, error: `${MESH_ENV}.listeners: not a list` };
  for (const [i, l] of c.listeners.entries()) {
    const at = `${MESH_ENV}.listeners[${i}]`;
    if (l.protocol !== 'TCP' && l.protocol !== 'UDP') return { ok: false, error: `${at}.protocol: ${String(l.protocol)} is not TCP or UDP` };
    if (!isPort(l.port)) return { ok: false, error: `${at}.port: ${String(l.port)} is not a port number` };
    if (!Array.isArray(l.backends)) return { ok: false, error: `${at}.backends: not a list` };
    for (const [j, b] of l.backends.entries())
      if (typeof b?.name !== 'string' || b.name === '' || !isPort(b.port)) return { ok: false, error: `${at}.backends[${j}]: needs a name and a port` };
  }
  return { ok: true, config: c as MeshConfig };
}

function isPort(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
}
