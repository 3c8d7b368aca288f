/**
 * Running one probe once. Kubernetes probes that Docker cannot express are run by berth:
 * `exec` inside the container, `httpGet`, `tcpSocket` and `grpc` from the host to the pod's IP.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { ContainerPort, Probe } from '../model';
import type { Runtime } from '../runtime';
import { messageOf } from '../util';
import { grpcProbe } from './grpcProbe';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export interface ProbeTarget {
  /** Container to exec into. */
  containerId: string;
  /** IP the pod answers on (its network endpoint; 127.0.0.1 for hostNetwork pods). */
  ip: string;
  /** Ports of the probed container, to resolve named ports. */
  ports: ContainerPort[];
}

export async function runProbe(runtime: Runtime, probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  const h = probe.handler;
  try {
    switch (h.type) {
      case 'exec': {
        const r = await runtime.exec(target.containerId, h.command, timeoutMs);
        return r.exitCode === 0 ? { ok: true } : { ok: false, reason: `exec ${JSON.stringify(h.command)} exited ${r.exitCode}: ${lastLine(r.output)}` };
      }
      case 'httpGet':
        return await httpProbe(h.host ?? target.ip, resolvePort(h.port, target.ports), h.path, h.scheme, h.httpHeaders, timeoutMs);
      case 'tcpSocket':
        return await tcpProbe(h.host ?? target.ip, resolvePort(h.port, target.ports), timeoutMs);
      case 'grpc':
        return await grpcProbe(target.ip, h.port, h.service, timeoutMs);
    }
  } catch (err) {
    return { ok: false, reason: messageOf(err) };
  }
}

export function resolvePort(port: number | string, ports: ContainerPort[]): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = ports.find((p) => p.name === port);
  if (!found) throw new Error(`no container port named "${port}"`);
  return found.containerPort;
}

/**
 * One agent per scheme for every HTTP probe, each connection closed after its answer (as
 * kubelet's prober disables keep-alive). `agent: false` would build a new Agent per probe:
 * at 450 probes every 10 s that was a visible part of the probe loop's CPU.
 */
const PROBE_AGENTS = { HTTP: new http.Agent({ keepAlive: false }), HTTPS: new https.Agent({ keepAlive: false, rejectUnauthorized: false }) };

function httpProbe(
  host: string,
  port: number,
  path: string,
  scheme: 'HTTP' | 'HTTPS',
  headers: { name: string; value: string }[],
  timeoutMs: number,
): Promise<ProbeResult> {
  if (!host) return Promise.resolve({ ok: false, reason: 'pod has no IP address' });
  const client = scheme === 'HTTPS' ? https : http;
  const url = `${scheme.toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const req = client.get(
      url,
      { timeout: timeoutMs, headers: Object.fromEntries(headers.map((x) => [x.name, x.value])), rejectUnauthorized: false, agent: PROBE_AGENTS[scheme] },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        // Kubernetes: any code >= 200 and < 400 is a success.
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, reason: `GET ${url}: HTTP ${code}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, reason: `GET ${url}: ${err.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  if (!host) return Promise.resolve({ ok: false, reason: 'pod has no IP address' });
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `tcp ${host}:${port}: timed out after ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, reason: `tcp ${host}:${port}: ${err.message}` }));
  });
}

function lastLine(output: string): string {
  const lines = output.trim().split('\n');
  return lines[lines.length - 1]?.slice(0, 200) ?? '';
}
