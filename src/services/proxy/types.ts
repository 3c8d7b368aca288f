/**
 * The proxy's data: the endpoint table the operator publishes, the acknowledgement the
 * proxy writes back, and the status both make up together. These are the files' shapes
 * (JSON), so they are plain data, versioned by TABLE_FORMAT.
 */

import type { HttpRoutes } from './httpTypes';

export type Protocol = 'TCP' | 'UDP';

/** Bumped when the file formats change incompatibly. */
export const TABLE_FORMAT = 1;

/** A ready endpoint of a Service port: `ip:port` of one pod. */
export interface EndpointSpec {
  ip: string;
  port: number;
  /** `namespace/name` of the pod, for status output. */
  pod: string;
}

/** One host socket the proxy listens on, and where it sends new connections. */
export interface ListenerSpec {
  protocol: Protocol;
  /** Address to bind: `0.0.0.0` (all), `127.0.0.1`, ... */
  address: string;
  /**
   * Bind inside this network namespace (`/proc/<pid>/ns/net` of a ClusterIP Service's
   * anchor) instead of the host's; see netns.ts.
   */
  netns?: string;
  port: number;
  /** `namespace/name` of the Service. */
  service: string;
  /** The Service port (`spec.ports[].port`) this listener serves. */
  servicePort: number;
  /** Why this listener exists: the Service port's nodePort, a LoadBalancer's `port`, the port of a ClusterIP Service's anchor, or berth's Ingress port (HTTP routing, `http` below). */
  source: 'nodePort' | 'loadBalancer' | 'clusterIP' | 'ingress';
  /** For `ingress` listeners: every backend's endpoints, so that drains and status see them. */
  endpoints: EndpointSpec[];
  /** Only on `ingress` listeners: the HTTP routes (see src/services/proxy/httpTypes.ts). */
  http?: HttpRoutes;
}

/** What serviceEndpoints computes: every listener, plus what it had to leave out and why. */
export interface EndpointTable {
  listeners: ListenerSpec[];
  /** Readable notes: a named targetPort a pod does not declare, a listener clash, ... */
  warnings: string[];
}

/** `<stateDir>/proxy/<instance>/endpoints.json` */
export interface TableFile {
  format: number;
  generation: number;
  writtenAt: string;
  listeners: ListenerSpec[];
}

export interface ListenerState extends ListenerSpec {
  /** true while the socket is bound; false with `error` when binding failed (retried). */
  bound: boolean;
  error?: string;
  /** New connections (TCP) or sessions (UDP) forwarded since the proxy started. */
  forwarded: number;
  /** New connections closed because no endpoint accepted them. */
  rejected: number;
}

/** `<stateDir>/proxy/<instance>/ack.json`, written by the proxy. */
export interface AckFile {
  format: number;
  pid: number;
  nonce: string;
  /** Generation of the last table applied (0: none yet). */
  generation: number;
  writtenAt: string;
  listeners: ListenerState[];
  /** `ip:port` -> open connections (TCP) or live sessions (UDP), endpoints being drained included. */
  connections: Record<string, number>;
  /** Set when the newest endpoints.json could not be read; the previous table stays in force. */
  tableError?: string;
}

/** `<stateDir>/proxy/<instance>/pid`: identifies a running proxy beyond its pid number. */
export interface PidFile {
  pid: number;
  /** Kernel start time of the process (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTime?: number;
  nonce: string;
  instance: string;
  format: number;
  startedAt: string;
}

export interface EndpointStatus extends EndpointSpec {
  connections: number;
}

export interface ListenerStatus extends Omit<ListenerState, 'endpoints'> {
  endpoints: EndpointStatus[];
}

/** For `/api/v1/status` and `berth get endpoints`. */
export interface ProxyStatus {
  running: boolean;
  pid?: number;
  /** Generation of the table last published. */
  publishedGeneration: number;
  /** Generation the proxy reports as applied (its ack). */
  appliedGeneration: number;
  listeners: ListenerStatus[];
  /** Endpoints no longer in the table that still have open connections. */
  draining: { endpoint: string; connections: number }[];
  tableError?: string;
}

export function endpointKey(e: { ip: string; port: number }): string {
  return `${e.ip}:${e.port}`;
}

export function listenerKey(l: { protocol: Protocol; address: string; port: number; netns?: string }): string {
  return `${l.protocol.toLowerCase()}/${l.address}:${l.port}${l.netns ? ` in ${l.netns}` : ''}`;
}
