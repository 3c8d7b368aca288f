/**
 * The publisher's side of kernel forwarding: one KernelForwarder per namespace (the host,
 * each running anchor), kept between looks so that an unchanged table is not written again,
 * and the switch between modes: whatever the other mode left (proxy processes, or berth's
 * nft tables) is removed, since both would claim the same ports.
 */
import { ProxySupervisor, type EndpointTable, type ProxyStatus } from '../proxy';
import { KernelForwarder, kernelTargetStatus } from '../proxy/kernel/forwarder';
import { HOST, nftApply, type Netns } from '../proxy/kernel/nft';
import { renderRemoval } from '../proxy/kernel/ruleset';
import { kernelStatePath, readKernelState } from '../proxy/kernel/state';
import type { ForwardingModes } from '../proxy/kernel/mode';
import { isSameProcess } from '../util/process';
import { messageOf } from '../util/errors';
import { rm } from 'node:fs/promises';
import { anchorProxyNames } from './anchors';

/** What the publisher needs of whoever forwards a table: a ProxySupervisor or a KernelForwarder. */
export interface Forwarding {
  paths: { endpoints: string };
  running(): Promise<unknown>;
  ensureRunning(): Promise<void>;
  publish(table: EndpointTable): Promise<number>;
  waitApplied(gen: number, timeoutMs: number): Promise<boolean>;
  drain(endpoints: readonly string[], graceMs: number): Promise<void>;
  status(): Promise<ProxyStatus>;
}

export class KernelTargets {
  private readonly forwarders = new Map<string, KernelForwarder>();

  constructor(
    private readonly stateDir: string,
    private readonly instance: string,
  ) {}

  /** The host's forwarder (no pid) or an anchor's; a new one when the anchor's process changed. */
  get(name: string, anchorPid?: number): KernelForwarder {
    const key = `${name}@${anchorPid ?? 'host'}`;
    let f = this.forwarders.get(key);
    if (!f) {
      for (const k of this.forwarders.keys()) if (k.startsWith(`${name}@`)) this.forwarders.delete(k);
      f = new KernelForwarder({ stateDir: this.stateDir, instance: this.instance, name, where: anchorPid ? 'anchor' : 'host', anchorPid });
      this.forwarders.set(key, f);
    }
    return f;
  }
}

/**
 * Remove the rules a state directory describes for `name` (the host's, or an anchor's while
 * its process lives: a removed anchor took its namespace, and its rules, with it).
 */
export async function removeKernelRules(stateDir: string, name: string): Promise<boolean> {
  const state = await readKernelState(stateDir, name);
  if (!state) return false;
  const netns: Netns | undefined = !state.anchor ? HOST : isSameProcess(state.anchor) ? { kind: 'pid', pid: state.anchor.pid } : undefined;
  if (netns) await nftApply(renderRemoval(state.table), netns);
  await rm(kernelStatePath(stateDir, name), { force: true });
  return true;
}

/** Remove, for the host and each anchor, what the mode berth no longer uses there left behind. */
export async function leaveMode(modes: ForwardingModes, stateDir: string, instance: string, log: (m: string, f?: Record<string, unknown>) => void): Promise<void> {
  for (const name of [instance, ...anchorProxyNames(stateDir, instance)]) {
    const mode = name === instance ? modes.host : modes.anchors;
    try {
      if (mode === 'userspace' && (await removeKernelRules(stateDir, name))) log('kernel forwarding rules removed (the userspace proxy forwards now)', { name });
      const sup = new ProxySupervisor({ stateDir, instance: name });
      if (mode === 'kernel' && (await sup.running())) {
        log('userspace proxy stopped (kernel rules forward now)', { name });
        await sup.stop();
      }
    } catch (err) {
      log('cannot remove what the other proxy mode left', { name, error: messageOf(err) });
    }
  }
}

/** The status of whoever forwards for `name`: berth's kernel rules when it has some there, else its proxy. */
export async function forwardingStatus(stateDir: string, name: string): Promise<ProxyStatus> {
  return (await kernelTargetStatus(stateDir, name)) ?? new ProxySupervisor({ stateDir, instance: name }).status();
}
