/**
 * The publisher's side of kernel forwarding (--proxy-mode): the instance's one endpoint table
 * is split by where each listener lives. Host listeners (no netns) go to the host's nft table
 * when host ports are in kernel mode, anchor listeners (netns `/proc/<pid>/ns/net`) to that
 * anchor's nft table when anchors are; the rest stays with the userspace proxy. One
 * KernelForwarder per namespace is kept between looks, so an unchanged table is not written
 * again. Also the switch between modes, and the status `berth get` shows.
 */
import { rm } from 'node:fs/promises';
import { ProxySupervisor, type EndpointTable, type ListenerSpec, type ProxyStatus } from '../proxy';
import { KernelForwarder, kernelTargetStatus } from './forwarder';
import { HOST, nftApply, type Netns } from './nft';
import { renderRemoval } from './ruleset';
import { kernelStatePath, kernelStatePaths, readKernelState } from './state';
import { USERSPACE, type ForwardingModes } from './mode';
import { isSameProcess } from '../../util';
import { messageOf } from '../../util';

export class KernelRouting {
  private readonly forwarders = new Map<string, KernelForwarder>();

  constructor(
    private readonly stateDir: string,
    private readonly instance: string,
    readonly modes: ForwardingModes = USERSPACE,
  ) {}

  /** true when the kernel serves this listener: TCP/UDP forwarding, not HTTP routing (an Ingress listener stays with the proxy). */
  routes(l: ListenerSpec): boolean {
    return !l.http && l.source !== 'ingress' && (l.netns ? this.modes.anchors : this.modes.host) === 'kernel';
  }

  /** Put the kernel's part of `table` into the kernel; returns the userspace proxy's part. */
  async publish(table: EndpointTable): Promise<EndpointTable> {
    const groups = new Map<string, ListenerSpec[]>();
    if (this.modes.host === 'kernel') groups.set('host', []);
    for (const l of table.listeners.filter((x) => this.routes(x))) groups.set(l.netns ?? 'host', [...(groups.get(l.netns ?? 'host') ?? []), l]);
    for (const [key, f] of this.forwarders) if (!groups.has(key)) await this.forget(key, f);
    await Promise.all([...groups].map(([key, listeners]) => this.forwarder(key)?.publish(listeners)));
    if (this.modes.anchors === 'kernel') await this.removeStaleAnchors(new Set([...groups.keys()].map(pidOf).filter((p): p is number => p !== undefined)));
    return { ...table, listeners: table.listeners.filter((l) => !this.routes(l)) };
  }

  /** Wait for conntrack to show no open connection to `endpoints` in any namespace, or the grace period. */
  async drain(endpoints: readonly string[], graceMs: number): Promise<void> {
    await Promise.all([...this.forwarders.values()].map((f) => f.drain(endpoints, graceMs)));
  }

  /** The kernel's listeners, undefined when it serves none. */
  async status(): Promise<ProxyStatus | undefined> {
    return mergeStatus(await Promise.all([...this.forwarders.values()].map((f) => f.status())));
  }

  private forwarder(key: string): KernelForwarder | undefined {
    let f = this.forwarders.get(key);
    const pid = pidOf(key);
    if (!f && (key === 'host' || pid)) {
      f = new KernelForwarder({ stateDir: this.stateDir, instance: this.instance, where: pid ? 'anchor' : 'host', anchorPid: pid });
      this.forwarders.set(key, f);
    }
    return f;
  }

  /** A namespace no longer in the table: its rules go (an anchor's only while its process lives). */
  private async forget(key: string, f: KernelForwarder): Promise<void> {
    this.forwarders.delete(key);
    await f.remove();
  }

  /** Files of anchors that are gone (restarted, removed) or of an earlier operator. */
  private async removeStaleAnchors(current: ReadonlySet<number>): Promise<void> {
    for (const path of await kernelStatePaths(this.stateDir, this.instance)) {
      const pid = Number(/kernel-anchor-(\d+)\.json$/.exec(path)?.[1]);
      if (pid && !current.has(pid)) await removeRulesOf(path);
    }
  }
}

function pidOf(netnsOrHost: string): number | undefined {
  const m = /^\/proc\/(\d+)\/ns\/net$/.exec(netnsOrHost);
  return m ? Number(m[1]) : undefined;
}

/** Remove the rules a state file describes (an anchor's only while its process lives: a removed anchor took them along) and the file. */
async function removeRulesOf(path: string): Promise<boolean> {
  const state = await readKernelState(path);
  if (state) {
    const netns: Netns | undefined = !state.anchor ? HOST : isSameProcess(state.anchor) ? { kind: 'pid', pid: state.anchor.pid } : undefined;
    if (netns) await nftApply(renderRemoval(state.table), netns);
  }
  await rm(path, { force: true });
  return state !== undefined;
}

/** Remove kernel rules of the instance: the host's (`host`), the anchors' (`anchors`), or all. */
export async function removeKernelRules(stateDir: string, instance: string, which: 'host' | 'anchors' | 'all' = 'all'): Promise<number> {
  let removed = 0;
  for (const path of await kernelStatePaths(stateDir, instance)) {
    const isHost = path === kernelStatePath(stateDir, instance);
    if (which === 'all' || (which === 'host') === isHost) removed += (await removeRulesOf(path)) ? 1 : 0;
  }
  return removed;
}

/** Remove what the modes berth no longer uses left behind for this instance (a switch of --proxy-mode). */
export async function leaveMode(
  modes: ForwardingModes,
  stateDir: string,
  instance: string,
  log: (m: string, f?: Record<string, unknown>) => void,
): Promise<void> {
  try {
    if (modes.host === 'userspace' && (await removeKernelRules(stateDir, instance, 'host')))
      log('kernel forwarding rules of host ports removed (the userspace proxy forwards them now)');
    if (modes.anchors === 'userspace' && (await removeKernelRules(stateDir, instance, 'anchors')))
      log('kernel forwarding rules in anchors removed (the userspace proxy forwards them now)');
    const sup = new ProxySupervisor({ stateDir, instance });
    if (modes.host === 'kernel' && modes.anchors === 'kernel' && (await sup.running())) {
      log('userspace proxy stopped (kernel rules forward every Service now)');
      await sup.stop();
    }
  } catch (err) {
    log('cannot remove what the other proxy mode left', { error: messageOf(err) });
  }
}

/** The kernel's listeners of an instance as its state files describe them, checked against the kernel. */
export async function kernelStatusOf(stateDir: string, instance: string): Promise<ProxyStatus | undefined> {
  const all = await Promise.all((await kernelStatePaths(stateDir, instance)).map((p) => kernelTargetStatus(p)));
  return mergeStatus(all.filter((s): s is ProxyStatus => s !== undefined));
}

export function mergeStatus(all: readonly ProxyStatus[]): ProxyStatus | undefined {
  const live = all.filter((s) => s.running || s.listeners.length > 0);
  if (live.length === 0) return undefined;
  return {
    running: live.every((s) => s.running),
    publishedGeneration: Math.max(...live.map((s) => s.publishedGeneration)),
    appliedGeneration: Math.min(...live.map((s) => s.appliedGeneration)),
    listeners: live.flatMap((s) => s.listeners),
    draining: live.flatMap((s) => s.draining),
    ...(live.some((s) => s.tableError)
      ? {
          tableError: live
            .map((s) => s.tableError)
            .filter(Boolean)
            .join('; '),
        }
      : {}),
  };
}
