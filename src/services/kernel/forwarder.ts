/**
 * Kernel forwarding for one network namespace: the host's (NodePort/LoadBalancer ports) or
 * a ClusterIP Service's anchor's. `publish` writes the listeners as berth's nft table in one
 * transaction and describes them in its state file (state.ts); `drain` waits on the conntrack table;
 * `remove` deletes the table. The same operations as the userspace ProxySupervisor, so the
 * publisher keeps its zero-downtime order: out of the rules, then drain, then SIGTERM.
 */
import { rm } from 'node:fs/promises';
import { processStartTime, isSameProcess } from '../../util';
import { sleep } from '../../util';
import { endpointKey, listenerKey, type EndpointTable, type ListenerSpec, type ListenerState, type ProxyStatus } from '../proxy/types';
import { allowLocalnet, chainCounters, forgetUdpFlows, HOST, ipTables, nftApply, prepareAnchor, routeDevice, type Netns } from './nft';
import { boundSockets, openConnections, readConntrack, type BoundSocket } from './procnet';
import { chainName, kernelTableName, renderRemoval, renderRuleset, type KernelListener, type RulesetWhere } from './ruleset';
import { KERNEL_FORMAT, kernelStatePath, kernelStatus, readKernelState, writeKernelState, type KernelState } from './state';

export interface KernelForwarderOptions {
  stateDir: string;
  /** The berth instance: names the table. */
  instance: string;
  where: RulesetWhere;
  /** The anchor's process, for `where: 'anchor'`. */
  anchorPid?: number;
  /** Interval of the conntrack polls in drain (default 100 ms). */
  pollMs?: number;
}

/** How often status() reads the rules' counters. */
const COUNTERS_MS = 5000;

export class KernelForwarder {
  readonly table: string;
  /** `endpoints` names this target (the publisher keys what it published by it). */
  readonly paths: { endpoints: string };
  private readonly netns: Netns;
  private lastScript?: string;
  private generation?: number;
  /** Endpoints in the rules now, to find those that left (UDP bindings to forget). */
  private inRules = new Map<string, { ip: string; port: number; protocol: string }>();
  /** Every listener port this forwarder served: connections through them count in a drain. */
  private readonly ports = new Set<number>();
  /** Listeners berth's rules serve: a process that binds such a port later does not take it over. */
  private servedKeys = new Set<string>();
  private readonly localnet = new Set<string>();
  /** What this process last put into the kernel. */
  private applied?: KernelState;
  private counters = { at: 0, byChain: new Map<string, number>() };

  constructor(private readonly opts: KernelForwarderOptions) {
    this.table = kernelTableName(opts.instance);
    this.netns = opts.anchorPid ? { kind: 'pid', pid: opts.anchorPid } : HOST;
    this.paths = { endpoints: kernelStatePath(opts.stateDir, opts.instance, opts.anchorPid) };
  }

  /**
   * Put `listeners` into the kernel; returns the generation (new when anything changed). A
   * host port another process holds is left out and reported (not bound, with the reason),
   * unless berth's rules already served it: the first to take a port keeps it, as with bind.
   */
  async publish(table: EndpointTable | readonly ListenerSpec[]): Promise<number> {
    const listeners = Array.isArray(table) ? (table as readonly ListenerSpec[]) : (table as EndpointTable).listeners;
    if (listeners.length === 0) return this.clear();
    const prior = this.generation === undefined ? await readKernelState(this.paths.endpoints) : undefined;
    if (prior) this.adopt(prior);
    const held = this.opts.where === 'host' ? await boundSockets() : [];
    const states = listeners.map((l) => listenerState(l, held, this.servedKeys));
    const served = states.filter((l) => l.bound);
    const script = renderRuleset(this.table, this.opts.where, served.filter(kernelCapable).map(kernelListener));
    if (script === this.lastScript && this.generation !== undefined) return this.generation;
    if (this.opts.where === 'anchor') await prepareAnchor(this.netns);
    else await this.allowLocalhost(served);
    await nftApply(script, this.netns);
    const left = [...this.inRules.entries()].filter(([k]) => !served.some((l) => l.endpoints.some((e) => `${l.protocol}/${endpointKey(e)}` === k)));
    this.inRules = new Map(served.flatMap((l) => l.endpoints.map((e) => [`${l.protocol}/${endpointKey(e)}`, { ...e, protocol: l.protocol }] as const)));
    this.servedKeys = new Set(served.filter((l) => l.endpoints.length > 0).map(listenerKey));
    for (const l of served) this.ports.add(l.port);
    for (const [, e] of left) if (e.protocol === 'UDP') await forgetUdpFlows(e, this.netns);
    this.lastScript = script;
    this.generation = (this.generation ?? prior?.generation ?? 0) + 1;
    this.applied = this.describe(states, this.generation);
    await writeKernelState(this.paths.endpoints, this.applied);
    return this.generation;
  }

  /** nft applies a table before it returns: a published generation is in force. */
  async waitApplied(gen: number): Promise<boolean> {
    return this.generation !== undefined && this.generation >= gen;
  }

  /** Rules (or their description) of this namespace exist: an empty table must still be published, to remove them. */
  async running(): Promise<boolean> {
    return (await readKernelState(this.paths.endpoints)) !== undefined;
  }

  /** Nothing to start: the kernel forwards. */
  async ensureRunning(): Promise<void> {}

  /** Wait until conntrack shows no open connection to `endpoints` (`ip:port`), or `graceMs` passes. */
  async drain(endpoints: readonly string[], graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const ct = await readConntrack(this.opts.anchorPid ?? 'self');
      // Without the conntrack table berth cannot see connections: the grace period is the limit.
      if (ct.kind === 'ok') {
        const open = openConnections(ct.flows, this.ports);
        if (endpoints.every((e) => !open[e])) return;
      }
      if (Date.now() >= deadline) return;
      await sleep(this.opts.pollMs ?? 100);
    }
  }

  /**
   * After an apply of this process: the rules it applied, connections from conntrack (a
   * file read), counters at most every COUNTERS_MS (an nft call: the publisher asks at every
   * look, for every anchor). Otherwise what the kernel holds, checked.
   */
  async status(): Promise<ProxyStatus> {
    if (!this.applied)
      return (await kernelTargetStatus(this.paths.endpoints)) ?? { running: false, publishedGeneration: 0, appliedGeneration: 0, listeners: [], draining: [] };
    if (Date.now() - this.counters.at >= COUNTERS_MS) this.counters = { at: Date.now(), byChain: await chainCounters(this.table, this.netns) };
    const ct = await readConntrack(this.opts.anchorPid ?? 'self');
    const connections = ct.kind === 'ok' ? openConnections(ct.flows, this.ports) : {};
    return kernelStatus(this.applied, true, connections, (l) => this.counters.byChain.get(chainName(l)) ?? 0);
  }

  /** Delete berth's table in this namespace (nothing else) and its description. */
  async remove(): Promise<void> {
    if (this.netns.kind === 'host' || isSameProcess({ pid: this.netns.pid })) await nftApply(renderRemoval(this.table), this.netns);
    await rm(this.paths.endpoints, { force: true });
    this.lastScript = undefined;
    this.applied = undefined;
    this.servedKeys.clear();
    this.inRules.clear();
  }

  /** No listener left: no table either. */
  private async clear(): Promise<number> {
    if (this.generation === undefined && !(await this.running())) return 0;
    await this.remove();
    this.generation = (this.generation ?? 0) + 1;
    return this.generation;
  }

  /** What an earlier operator left in the kernel (the rules survive it): taken over as ours. */
  private adopt(prior: KernelState): void {
    const served = prior.listeners.filter((l) => l.bound && l.endpoints.length > 0);
    this.servedKeys = new Set(served.map(listenerKey));
    this.inRules = new Map(served.flatMap((l) => l.endpoints.map((e) => [`${l.protocol}/${endpointKey(e)}`, { ...e, protocol: l.protocol }] as const)));
    for (const l of served) this.ports.add(l.port);
  }

  /** Packets from 127.0.0.1 must be allowed out through each bridge the endpoints are behind. */
  private async allowLocalhost(served: readonly ListenerState[]): Promise<void> {
    const ips = new Set(served.filter((l) => l.address === '0.0.0.0' || l.address.startsWith('127.')).flatMap((l) => l.endpoints.map((e) => e.ip)));
    for (const ip of ips) {
      const dev = await routeDevice(ip);
      if (dev && !this.localnet.has(`${dev}/${ip}`)) {
        await allowLocalnet(dev);
        this.localnet.add(`${dev}/${ip}`);
      }
    }
  }

  private describe(listeners: ListenerState[], generation: number): KernelState {
    const pid = this.opts.anchorPid;
    return {
      format: KERNEL_FORMAT,
      mode: 'kernel',
      table: this.table,
      where: this.opts.where,
      ...(pid ? { anchor: { pid, startTime: processStartTime(pid) } } : {}),
      generation,
      appliedAt: new Date().toISOString(),
      listeners,
    };
  }
}

/** The status of the kernel rules a state file describes; undefined when there is none. */
export async function kernelTargetStatus(path: string): Promise<ProxyStatus | undefined> {
  const state = await readKernelState(path);
  if (!state) return undefined;
  const pid = state.anchor?.pid;
  const netns: Netns = pid ? { kind: 'pid', pid } : HOST;
  const alive = !state.anchor || isSameProcess(state.anchor);
  const live = alive && ((await ipTables(netns)) ?? []).includes(state.table);
  const ct = live ? await readConntrack(pid ?? 'self') : undefined;
  const connections = ct?.kind === 'ok' ? openConnections(ct.flows, new Set(state.listeners.map((l) => l.port))) : {};
  const counters = live ? await chainCounters(state.table, netns) : new Map<string, number>();
  return kernelStatus(state, live, connections, (l) => counters.get(chainName(l)) ?? 0);
}

function listenerState(l: ListenerSpec, held: readonly BoundSocket[], servedKeys: ReadonlySet<string>): ListenerState {
  const base = { ...l, endpoints: l.endpoints.map((e) => ({ ...e })), forwarded: 0, rejected: 0 };
  if (!kernelCapable(l))
    return { ...base, bound: false, error: `kernel forwarding serves TCP and UDP on IPv4 addresses only, not ${l.protocol} on ${l.address}` };
  if (!servedKeys.has(listenerKey(l)) && held.some((s) => s.protocol === l.protocol && s.port === l.port)) {
    return { ...base, bound: false, error: `host port ${listenerKey(l)} is in use by another process` };
  }
  return { ...base, bound: true };
}

function kernelCapable(l: { protocol: string; address: string }): boolean {
  return (l.protocol === 'TCP' || l.protocol === 'UDP') && /^\d{1,3}(\.\d{1,3}){3}$/.test(l.address);
}

function kernelListener(l: ListenerState): KernelListener {
  return { protocol: l.protocol, address: l.address, port: l.port, endpoints: l.endpoints, comment: `${l.service} port ${l.servicePort} (${l.source})` };
}
