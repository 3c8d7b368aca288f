/**
 * Pure: the proxy's status for people and the API, from the published table, the live
 * proxy's ack and its pid file. Listeners come from the ack when the proxy has applied the
 * table (they then carry bind state and counters), else from the table, marked unbound.
 */
import { endpointKey, listenerKey, type AckFile, type ListenerState, type PidFile, type ProxyStatus, type TableFile } from './types';
import { compareText } from '../../util';

export function proxyStatus(holder: PidFile | undefined, table: TableFile | undefined, ack: AckFile | undefined): ProxyStatus {
  const published = table?.generation ?? 0;
  const applied = ack?.generation ?? 0;
  const source: ListenerState[] =
    ack && applied >= published
      ? ack.listeners
      : (table?.listeners ?? []).map((l) => ({ ...l, bound: false, error: holder ? 'not applied yet' : 'proxy not running', forwarded: 0, rejected: 0 }));
  const connections = ack?.connections ?? {};
  const listed = new Set<string>();
  const listeners = source.map((l) => ({
    ...l,
    endpoints: l.endpoints.map((e) => {
      listed.add(endpointKey(e));
      return { ...e, connections: connections[endpointKey(e)] ?? 0 };
    }),
  }));
  listeners.sort((a, b) => compareText(a.service, b.service) || compareText(listenerKey(a), listenerKey(b)));
  const draining = Object.entries(connections)
    .filter(([e, n]) => n > 0 && !listed.has(e))
    .map(([endpoint, n]) => ({ endpoint, connections: n }));
  return {
    running: holder !== undefined,
    ...(holder ? { pid: holder.pid } : {}),
    publishedGeneration: published,
    appliedGeneration: applied,
    listeners,
    draining,
    ...(ack?.tableError ? { tableError: ack.tableError } : {}),
  };
}

/** One line per listener for `berth get endpoints`: where it listens and where it sends. */
export interface EndpointRow {
  service: string;
  /** `TCP 0.0.0.0:30080` */
  listen: string;
  /** `10.1.0.2:8080 (2 open), 10.1.0.3:8080`, or `<none>` */
  endpoints: string;
  /** `ok`, or why the listener does not serve: the bind error, `not applied yet`, ... */
  state: string;
}

export function endpointRows(s: ProxyStatus): EndpointRow[] {
  return s.listeners.map((l) => ({
    service: `${l.service}:${l.servicePort}`,
    listen: `${l.protocol} ${l.address}:${l.port}${l.netns ? ' (in the anchor)' : ''}`,
    endpoints: l.endpoints.length ? l.endpoints.map((e) => `${e.ip}:${e.port}${e.connections ? ` (${e.connections} open)` : ''}`).join(', ') : '<none>',
    state: l.bound ? 'ok' : (l.error ?? 'not bound'),
  }));
}
