/**
 * The commands kernel forwarding runs: `nft`, `conntrack`, `sysctl`, `ip`, in the host's
 * network namespace or, through `nsenter --net=/proc/PID/ns/net`, in an anchor's. Each
 * failure carries the command and its stderr.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { BerthError } from '../../util';

/** Where a command runs: the host's network namespace, or that of a process (an anchor). */
export type Netns = { kind: 'host' } | { kind: 'pid'; pid: number };

export const HOST: Netns = { kind: 'host' };

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(argv: readonly string[], netns: Netns, input?: string, timeoutMs = 10_000): Promise<RunResult> {
  const full = netns.kind === 'pid' ? ['nsenter', `--net=/proc/${netns.pid}/ns/net`, ...argv] : [...argv];
  return new Promise((resolve) => {
    const child = spawn(full[0], full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: err.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Apply a script in one transaction (`nft -f -`): all of it, or nothing. */
export async function nftApply(script: string, netns: Netns): Promise<void> {
  const r = await run(['nft', '-f', '-'], netns, script);
  if (r.code !== 0) throw new BerthError('E_IO', `nft -f - failed${where(netns)}: ${r.stderr.trim() || `exit ${r.code}`}`);
}

/** true when nft answers here: berth may use kernel forwarding. */
export async function nftWorks(): Promise<{ ok: true } | { ok: false; why: string }> {
  const r = await run(['nft', 'list', 'tables'], HOST);
  return r.code === 0 ? { ok: true } : { ok: false, why: r.stderr.trim() || `nft exited ${r.code}` };
}

/** Names of the `ip` family tables in a namespace. */
export async function ipTables(netns: Netns): Promise<string[] | undefined> {
  const r = await run(['nft', 'list', 'tables', 'ip'], netns);
  if (r.code !== 0) return undefined;
  return r.stdout
    .split('\n')
    .map((l) => /^table ip (\S+)/.exec(l.trim())?.[1])
    .filter((t): t is string => !!t);
}

/** Connections counted per chain (`counter packets N` of a nat chain: one per new connection). */
export async function chainCounters(table: string, netns: Netns): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await run(['nft', '-j', 'list', 'table', 'ip', table], netns);
  if (r.code !== 0) return out;
  try {
    const items = (JSON.parse(r.stdout) as { nftables?: { rule?: { chain: string; expr: { counter?: { packets: number } }[] } }[] }).nftables ?? [];
    for (const it of items) {
      const packets = it.rule?.expr.find((e) => e.counter)?.counter?.packets;
      if (it.rule && packets !== undefined) out.set(it.rule.chain, (out.get(it.rule.chain) ?? 0) + packets);
    }
  } catch {
    // counters are informational
  }
  return out;
}

/**
 * Forget the NAT bindings of UDP flows to an endpoint, so that a client's next datagram is
 * balanced again instead of following a binding to a pod that has left (kube-proxy does the
 * same). TCP flows are left alone: they finish by themselves. Needs `conntrack` (Debian's
 * conntrack package); without it the bindings expire after the kernel's UDP timeout.
 */
export async function forgetUdpFlows(endpoint: { ip: string; port: number }, netns: Netns): Promise<RunResult> {
  return run(['conntrack', '-D', '-p', 'udp', '--reply-src', endpoint.ip, '--reply-port-src', String(endpoint.port)], netns);
}

/** The interface the host routes an address through (a namespace's bridge for a pod IP). */
export async function routeDevice(ip: string): Promise<string | undefined> {
  const r = await run(['ip', '-o', 'route', 'get', ip], HOST);
  return r.code === 0 ? /\bdev (\S+)/.exec(r.stdout)?.[1] : undefined;
}

/** Let a host interface carry packets from 127.0.0.1 (DNAT'd localhost traffic to pods behind it). */
export async function allowLocalnet(device: string): Promise<void> {
  if (!/^[A-Za-z0-9_.-]+$/.test(device)) return;
  await writeFile(`/proc/sys/net/ipv4/conf/${device}/route_localnet`, '1');
}

/**
 * An anchor forwards what it DNATs back out of the interface it came in on: forwarding on,
 * and no ICMP redirect telling the client to go to the pod directly.
 */
export async function prepareAnchor(netns: Netns): Promise<void> {
  const r = await run(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], netns);
  if (r.code !== 0) throw new BerthError('E_IO', `cannot enable forwarding${where(netns)}: ${r.stderr.trim()}`);
  // Redirects only cost a detour (the client keeps talking to the anchor's address): best effort.
  await run(
    ['sysctl', '-q', '-e', '-w', 'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0', 'net.ipv4.conf.eth0.send_redirects=0'],
    netns,
  );
}

function where(netns: Netns): string {
  return netns.kind === 'pid' ? ` in the network namespace of pid ${netns.pid}` : '';
}
