/**
 * Pure: an endpoint table as an nftables script, as kube-proxy's nftables mode does it
 * (pkg/proxy/nftables/proxier.go): one table of berth's own per instance, a verdict map from
 * (address,) protocol and port to one chain per listener, and in that chain a DNAT to one of
 * the ready endpoints, round robin (`numgen inc`). kube-proxy balances with `numgen random`;
 * berth keeps the userspace proxy's round robin, so both modes spread the same way.
 *
 * The script replaces the table whole in one transaction (`table {}` so that the delete
 * cannot fail, `delete table`, then the new content): packets see the old rules or the new
 * ones, never a mix, and connections already made keep their NAT binding in conntrack.
 * Docker's tables (`ip nat`, `ip filter`) are never named.
 */
import { createHash } from 'node:crypto';
import type { Protocol } from '../proxy/types';
import { compareText } from '../../util';

/** What a rule needs of a listener: where it is reached and where it sends. */
export interface KernelListener {
  protocol: Protocol;
  /** `0.0.0.0`: any local address of the namespace; otherwise that IPv4 address only. */
  address: string;
  port: number;
  endpoints: readonly { ip: string; port: number }[];
  /** Shown in `nft list table` (Service and port). */
  comment: string;
}

/**
 * `host`: NodePort/LoadBalancer ports in the host's namespace, for packets from outside
 * (prerouting) and from the host itself (output), 127.0.0.1 included. `anchor`: a ClusterIP
 * Service's ports in its anchor's namespace, masqueraded so that replies come back through
 * the anchor (the client and the pod share a bridge and would otherwise talk past it).
 */
export type RulesetWhere = 'host' | 'anchor';

/** `berth_<instance>`, with a short hash when the instance had to be changed to fit nft's names. */
export function kernelTableName(instance: string): string {
  const clean = instance.replace(/[^A-Za-z0-9_]/g, '_');
  if (clean === instance) return `berth_${clean}`;
  return `berth_${clean}_${createHash('sha256').update(instance).digest('hex').slice(0, 6)}`;
}

/** The whole script for `nft -f -`. Listeners without endpoints get no rule (the port then refuses). */
export function renderRuleset(table: string, where: RulesetWhere, listeners: readonly KernelListener[]): string {
  const served = [...listeners].filter((l) => l.endpoints.length > 0).sort(byKey);
  const chains = served.map((l) => ({ l, name: chainName(l) }));
  const anyAddr = chains.filter((c) => c.l.address === '0.0.0.0');
  const oneAddr = chains.filter((c) => c.l.address !== '0.0.0.0');
  const lines = [
    `table ip ${table} {}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    `  comment "berth: Service forwarding (${where}); rewritten whole by berth, do not edit"`,
    ...map(
      'ports',
      'inet_proto . inet_service',
      anyAddr.map((c) => `${proto(c.l)} . ${c.l.port} : goto ${c.name}`),
    ),
    ...map(
      'addr_ports',
      'ipv4_addr . inet_proto . inet_service',
      oneAddr.map((c) => `${c.l.address} . ${proto(c.l)} . ${c.l.port} : goto ${c.name}`),
    ),
    ...chains.flatMap((c) => serviceChain(c.name, c.l)),
    ...(where === 'host' ? hostChains() : anchorChains()),
    '}',
  ];
  return lines.join('\n') + '\n';
}

/** The script that removes the table (and nothing else); succeeds when there is none. */
export function renderRemoval(table: string): string {
  return `table ip ${table} {}\ndelete table ip ${table}\n`;
}

export function chainName(l: { protocol: Protocol; address: string; port: number }): string {
  const addr = l.address === '0.0.0.0' ? '' : `_${l.address.replace(/\./g, '_')}`;
  return `svc_${proto(l)}${addr}_${l.port}`;
}

function serviceChain(name: string, l: KernelListener): string[] {
  const targets = l.endpoints.map((e, i) => `${i} : ${e.ip} . ${e.port}`).join(', ');
  return [
    `  chain ${name} {`,
    `    comment "${l.comment.replace(/["\\]/g, '').slice(0, 120)}"`,
    // A nat chain sees only the first packet of a connection: the counter counts connections.
    `    meta l4proto ${proto(l)} counter dnat ip to numgen inc mod ${l.endpoints.length} map { ${targets} }`,
    '  }',
  ];
}

function map(name: string, type: string, elements: string[]): string[] {
  return [`  map ${name} {`, `    type ${type} : verdict`, ...(elements.length ? [`    elements = { ${elements.join(', ')} }`] : []), '  }'];
}

const DISPATCH = ['ip daddr . meta l4proto . th dport vmap @addr_ports', 'fib daddr type local meta l4proto . th dport vmap @ports'];

/**
 * Just before Docker's own nat chains (dstnat - 1, output -101, srcnat - 1). Traffic from
 * 127.0.0.1 leaves for the bridge only with route_localnet on the bridge; it is masqueraded
 * to the bridge address so the pod can answer. With route_localnet a bridge would also take
 * packets for 127.0.0.0/8 from containers: the guard drops those, as kube-proxy's
 * iptables mode does since CVE-2020-8558.
 */
function hostChains(): string[] {
  return [
    '  chain dispatch {',
    ...DISPATCH.map((r) => `    ${r}`),
    '  }',
    ...baseChain('prerouting', 'nat hook prerouting priority dstnat - 1', ['jump dispatch']),
    ...baseChain('output', 'nat hook output priority -101', ['jump dispatch']),
    ...baseChain('postrouting', 'nat hook postrouting priority srcnat - 1', ['ip saddr 127.0.0.0/8 oifname != "lo" masquerade']),
    ...baseChain('localnet_guard', 'filter hook prerouting priority raw', ['iifname != "lo" ip daddr 127.0.0.0/8 drop']),
  ];
}

/** In the anchor nothing else runs: every DNAT'd connection is masqueraded to the anchor's address. */
function anchorChains(): string[] {
  return [
    ...baseChain('prerouting', 'nat hook prerouting priority dstnat - 1', DISPATCH),
    ...baseChain('postrouting', 'nat hook postrouting priority srcnat - 1', ['ct status dnat masquerade']),
  ];
}

function baseChain(name: string, hook: string, rules: readonly string[]): string[] {
  return [`  chain ${name} {`, `    type ${hook}; policy accept;`, ...rules.map((r) => `    ${r}`), '  }'];
}

function proto(l: { protocol: Protocol }): string {
  return l.protocol === 'UDP' ? 'udp' : 'tcp';
}

function byKey(a: KernelListener, b: KernelListener): number {
  return compareText(chainName(a), chainName(b));
}
