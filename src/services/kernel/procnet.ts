/**
 * The kernel's own tables, read from /proc: sockets bound to host ports (a port another
 * process holds is a clash) and the connection tracking table (connections that still run
 * through a NAT binding to an endpoint, which a drain waits for). Parsing is pure; the
 * readers take a pid, because /proc/PID/net shows the network namespace of that process.
 */
import { readFile } from 'node:fs/promises';
import type { Protocol } from '../proxy/types';

/** A socket that holds a port: TCP in LISTEN, or any bound UDP socket. */
export interface BoundSocket {
  protocol: Protocol;
  port: number;
}

/** Lines of /proc/net/{tcp,tcp6,udp,udp6}: `sl local_address rem_address st ...`, hex. */
export function parseSockets(text: string, protocol: Protocol): BoundSocket[] {
  const out: BoundSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const port = parseInt(f[1].slice(f[1].lastIndexOf(':') + 1), 16);
    const listening = protocol === 'TCP' ? f[3] === '0A' : f[3] === '07';
    if (listening && port > 0) out.push({ protocol, port });
  }
  return out;
}

/** Bound sockets of the network namespace of `pid` (default: this process's). */
export async function boundSockets(pid: number | 'self' = 'self'): Promise<BoundSocket[]> {
  const read = (f: string) => readFile(`/proc/${pid}/net/${f}`, 'utf8').catch(() => '');
  const [tcp, tcp6, udp, udp6] = await Promise.all(['tcp', 'tcp6', 'udp', 'udp6'].map(read));
  return [...parseSockets(tcp, 'TCP'), ...parseSockets(tcp6, 'TCP'), ...parseSockets(udp, 'UDP'), ...parseSockets(udp6, 'UDP')];
}

/** One NAT'd flow of the conntrack table: where the client sent it, where it really goes. */
export interface TrackedFlow {
  protocol: Protocol;
  /** TCP state (ESTABLISHED, TIME_WAIT, ...); '' for UDP. */
  state: string;
  /** Where the client sent it: the original destination port. */
  port: number;
  /** The endpoint: the reply direction's source. */
  endpoint: string;
}

/** TCP states in which a connection is still open (TIME_WAIT and CLOSE are over). */
const OPEN_STATES = new Set(['SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'SYN_SENT2']);

/**
 * Lines of /proc/net/nf_conntrack (the same as `conntrack -L`). Only flows whose original
 * destination differs from the reply's source, i.e. destination-NAT'd ones: a probe of berth
 * straight to a pod's IP is not a connection through the Service.
 */
export function parseConntrack(text: string): TrackedFlow[] {
  const out: TrackedFlow[] = [];
  for (const line of text.split('\n')) {
    const m = /\b(tcp|udp)\s+\d+\s+\d+\s+(?:([A-Z_0-9]+)\s+)?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) .*?src=(\S+) dst=\S+ sport=(\d+) dport=\d+/.exec(line);
    if (!m) continue;
    const [, proto, state, , origDst, , origDport, replySrc, replySport] = m;
    if (origDst === replySrc && origDport === replySport) continue;
    out.push({
      protocol: proto === 'udp' ? 'UDP' : 'TCP',
      state: proto === 'tcp' ? (state ?? '') : '',
      port: Number(origDport),
      endpoint: `${replySrc}:${replySport}`,
    });
  }
  return out;
}

/** Open TCP connections per endpoint `ip:port`, of flows sent to one of `ports` (the listeners' ports). */
export function openConnections(flows: readonly TrackedFlow[], ports: ReadonlySet<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of flows) if (f.protocol === 'TCP' && OPEN_STATES.has(f.state) && ports.has(f.port)) out[f.endpoint] = (out[f.endpoint] ?? 0) + 1;
  return out;
}

export type ConntrackRead = { kind: 'ok'; flows: TrackedFlow[] } | { kind: 'unavailable'; error: string };

/** The conntrack table of the network namespace of `pid`. */
export async function readConntrack(pid: number | 'self' = 'self'): Promise<ConntrackRead> {
  try {
    return { kind: 'ok', flows: parseConntrack(await readFile(`/proc/${pid}/net/nf_conntrack`, 'utf8')) };
  } catch (err) {
    return { kind: 'unavailable', error: (err as Error).message };
  }
}
