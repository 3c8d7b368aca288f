/**
 * Keeps berth's proxies in step with the pods. On every look at the pods (each apply turn,
 * each probe between passes) the ready, not terminating pods of each Service become its
 * endpoints, in two kinds of proxy process (src/proxy), which outlive berth:
 * - the instance's host proxy: NodePort and LoadBalancer listeners on host ports;
 * - one proxy per ClusterIP Service, in the network namespace of the Service's anchor
 *   (src/plan/anchors.ts), listening on the Service's ports where its name resolves.
 * Before pods are stopped they leave every table, the proxies confirm, and open connections
 * drain within the grace period; then SIGTERM.
 * In kernel mode (src/proxy/kernel) the same tables become nftables rules instead, in the
 * host's namespace and in each anchor's, and no proxy process runs.
 */
import type { Container, DesiredState, ServiceResource } from '../model/types';
import { resourceKey } from '../model/types';
import type { ObservedPod, ObservedState } from '../observe/types';
import type { PodView } from '../health/workload';
import type { RemovePodAction } from '../plan/types';
import { isAnchored } from '../plan/anchors';
import { networkName } from '../plan/names';
import { LABEL, type Runtime } from '../runtime/types';
import { clusterListeners, endpointKey, serviceEndpoints, ProxySupervisor, type EndpointTable, type PodEndpointInput, type ProxyStatus } from '../proxy';
import { anchorProxyName, anchorProxyNames, nsenterWrap, sameNetns } from './anchors';
import { USERSPACE, type ForwardingModes } from '../proxy/kernel/mode';
import { KernelTargets, leaveMode, removeKernelRules, type Forwarding } from './kernelTargets';

export interface PublisherOptions {
  instance: string;
  stateDir: string;
  /** Address of LoadBalancer `port` listeners (`--lb-address`). */
  lbAddress?: string;
  /** ClusterIP Services have anchors (PlanContext.serviceAnchors): serve them. */
  serviceAnchors: boolean;
  /** Who forwards, for host ports and for anchors: the userspace proxies (default) or nftables rules (`--proxy-mode`). */
  modes?: ForwardingModes;
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** How long a removal waits for a proxy to confirm a table without the pod. */
const ACK_TIMEOUT_MS = 3000;

/** One proxy process (or kernel rules) and how its table follows from the pods. */
interface Target {
  supervisor: Forwarding;
  tableFor(inputs: readonly PodEndpointInput[]): EndpointTable;
  /** An anchor proxy runs even with no endpoint (its name must answer); the host proxy only with listeners. */
  required: boolean;
}

export class EndpointPublisher {
  private last?: { desired: DesiredState; observed: ObservedPod[]; inputs: PodEndpointInput[] };
  private readonly terminating = new Set<string>();
  private lastWarnings = '';
  private lastStatus?: ProxyStatus;
  /** Per proxy (its endpoints file): the pods in the last table published to it. */
  private readonly published = new Map<string, Set<string>>();
  /** The other mode's proxies or rules were removed (once per publisher: a switch of --proxy-mode). */
  private otherModeLeft = false;
  private readonly kernel: KernelTargets;

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: PublisherOptions,
  ) {
    this.kernel = new KernelTargets(opts.stateDir, opts.instance);
  }

  /** The applier's onViews: publish the endpoints of what it just saw. */
  async update(desired: DesiredState, observed: ObservedState, views: readonly PodView[]): Promise<void> {
    const present = new Set(observed.pods.map((p) => `${p.namespace}/${p.name}`));
    for (const id of this.terminating) if (!present.has(id)) this.terminating.delete(id);
    this.last = { desired, observed: observed.pods, inputs: podInputs(this.opts.instance, desired, observed.pods, views) };
    if (!this.otherModeLeft) {
      await leaveMode(this.modes(), this.opts.stateDir, this.opts.instance, this.opts.log);
      this.otherModeLeft = true;
    }
    const targets = await this.targets();
    const inputs = this.inputs();
    await Promise.all(targets.map((t) => this.publish(t, t.tableFor(inputs))));
    await this.stopUndeclaredAnchorProxies(desired);
    this.lastStatus = mergeStatus(await Promise.all(targets.map((t) => t.supervisor.status())));
  }

  /** The proxies' listeners and endpoints as of the last update (undefined: none needed yet). */
  status(): ProxyStatus | undefined {
    return this.lastStatus;
  }

  /**
   * The applier's beforeRemove: out of every table, confirmed, drained (up to the grace
   * period). A pod that already left a table (not ready) may still have connections open
   * through the proxy: those are drained too.
   */
  async withdraw(pods: readonly RemovePodAction[]): Promise<void> {
    if (!this.last) return;
    const leaving = new Set(pods.map((p) => `${p.namespace}/${p.pod}`));
    const ips = new Set(this.last.inputs.filter((p) => leaving.has(`${p.namespace}/${p.name}`) && p.ip).map((p) => p.ip));
    const targets = await this.targets();
    const before = this.inputs();
    for (const p of leaving) this.terminating.add(p);
    const after = this.inputs();
    const graceMs = Math.min(...pods.map((p) => p.graceSeconds)) * 1000;
    await Promise.all(
      targets.map(async (t) => {
        const inTable = t.tableFor(before).listeners.flatMap((l) => l.endpoints.filter((e) => leaving.has(e.pod)).map(endpointKey));
        // A table published since (a look that already left the pod out) may not be applied
        // yet: confirm one without the pod whenever the last published table had it.
        const lastHad = [...leaving].some((p) => this.published.get(t.supervisor.paths.endpoints)?.has(p));
        if (inTable.length > 0 || lastHad) {
          const gen = await this.publish(t, t.tableFor(after));
          if (gen !== undefined && !(await t.supervisor.waitApplied(gen, ACK_TIMEOUT_MS))) {
            this.opts.log('a proxy did not confirm the endpoint change in time; stopping the pods anyway', { pods: [...leaving] });
          }
        }
        const lingering = (await t.supervisor.status()).draining.map((d) => d.endpoint).filter((e) => ips.has(e.slice(0, e.lastIndexOf(':'))));
        const endpoints = [...new Set([...inTable, ...lingering])];
        if (endpoints.length > 0) await t.supervisor.drain(endpoints, graceMs);
      }),
    );
  }

  /** The applier hooks, failures logged: a proxy problem must not stop pods from being managed. */
  hooks(): { onViews: (d: DesiredState, o: ObservedState, v: PodView[]) => Promise<void>; beforeRemove: (pods: RemovePodAction[]) => Promise<void> } {
    const logged = (what: string) => (err: unknown) => this.opts.log(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    return {
      onViews: (d, o, v) => this.update(d, o, v).catch(logged('publishing service endpoints')),
      beforeRemove: (pods) => this.withdraw(pods).catch(logged('draining endpoints')),
    };
  }

  private modes(): ForwardingModes {
    return this.opts.modes ?? USERSPACE;
  }

  /** The pods as last seen, those being removed marked terminating. */
  private inputs(): PodEndpointInput[] {
    return (this.last?.inputs ?? []).map((p) => (this.terminating.has(`${p.namespace}/${p.name}`) ? { ...p, terminating: true } : p));
  }

  /** The host proxy, then one proxy per anchored Service whose anchor runs (in its network namespace). */
  private async targets(): Promise<Target[]> {
    if (!this.last) return [];
    const desired = this.last.desired;
    const kernel = this.modes().host === 'kernel';
    const host: Target = {
      supervisor: kernel ? this.kernel.get(this.opts.instance) : new ProxySupervisor({ stateDir: this.opts.stateDir, instance: this.opts.instance }),
      tableFor: (inputs) => serviceEndpoints(desired, inputs, { lbAddress: this.opts.lbAddress }),
      required: false,
    };
    if (!this.opts.serviceAnchors) return [host];
    const anchored: Target[] = [];
    for (const svc of desired.services.filter(isAnchored)) {
      const supervisor = await this.anchorSupervisor(svc);
      if (supervisor) anchored.push({ supervisor, tableFor: (inputs) => clusterListeners(svc, inputs), required: true });
    }
    return [host, ...anchored];
  }

  /**
   * The supervisor of a Service's anchor proxy, started through nsenter into the anchor's
   * network namespace. A proxy left in another namespace (the anchor was recreated or
   * restarted) is stopped first. undefined while the anchor does not run.
   */
  private async anchorSupervisor(svc: ServiceResource): Promise<Forwarding | undefined> {
    const anchor = this.last?.observed.find((p) => p.kind === 'Service' && p.owner === svc.meta.name && p.namespace === svc.meta.namespace)?.infra;
    if (!anchor || anchor.state !== 'running') return undefined;
    const pid = (await this.runtime.inspectContainer(anchor.id).catch(() => undefined))?.pid;
    if (!pid) return undefined;
    const name = anchorProxyName(this.opts.instance, svc.meta.namespace, svc.meta.name);
    if (this.modes().anchors === 'kernel') return this.kernel.get(name, pid);
    const supervisor = new ProxySupervisor({ stateDir: this.opts.stateDir, instance: name, wrap: nsenterWrap(pid) });
    const running = await supervisor.running();
    if (running && !sameNetns(running.pid, pid)) {
      this.opts.log('the anchor of a Service was restarted; moving its proxy', { service: `${svc.meta.namespace}/${svc.meta.name}` });
      await supervisor.stop();
    }
    return supervisor;
  }

  /** Proxies of anchors whose Service is gone. */
  private async stopUndeclaredAnchorProxies(desired: DesiredState): Promise<void> {
    const declared = new Set(desired.services.filter((s) => this.opts.serviceAnchors && isAnchored(s)).map((s) => anchorProxyName(this.opts.instance, s.meta.namespace, s.meta.name)));
    for (const name of anchorProxyNames(this.opts.stateDir, this.opts.instance)) {
      if (!declared.has(name)) {
        await new ProxySupervisor({ stateDir: this.opts.stateDir, instance: name }).stop();
        await removeKernelRules(this.opts.stateDir, name);
      }
    }
  }

  /** Writes a table (starting its proxy when needed); undefined when the host proxy is not needed. */
  private async publish(t: Target, table: EndpointTable): Promise<number | undefined> {
    if (!t.required && table.listeners.length === 0 && !(await t.supervisor.running())) return undefined;
    await t.supervisor.ensureRunning();
    if (!t.required) {
      const warnings = table.warnings.join('\n');
      if (warnings && warnings !== this.lastWarnings) this.opts.log('service endpoints', { warnings: table.warnings });
      this.lastWarnings = warnings;
    }
    const gen = await t.supervisor.publish(table);
    this.published.set(t.supervisor.paths.endpoints, new Set(table.listeners.flatMap((l) => l.endpoints.map((e) => e.pod))));
    return gen;
  }
}

function mergeStatus(all: ProxyStatus[]): ProxyStatus | undefined {
  const live = all.filter((s) => s.running || s.listeners.length > 0);
  if (live.length === 0) return undefined;
  return {
    running: live.every((s) => s.running),
    publishedGeneration: Math.max(...live.map((s) => s.publishedGeneration)),
    appliedGeneration: Math.min(...live.map((s) => s.appliedGeneration)),
    listeners: live.flatMap((s) => s.listeners),
    draining: live.flatMap((s) => s.draining),
    ...(live.some((s) => s.tableError) ? { tableError: live.map((s) => s.tableError).filter(Boolean).join('; ') } : {}),
  };
}

/** What the proxies need of each observed pod: its IP on the namespace network, labels, readiness, ports. Anchors are left out. */
export function podInputs(instance: string, desired: DesiredState, pods: readonly ObservedPod[], views: readonly PodView[]): PodEndpointInput[] {
  const ready = new Map(views.map((v) => [`${v.namespace}/${v.name}`, v.ready]));
  const templates = new Map<string, { labels: Record<string, string>; ports: PodEndpointInput['ports'] }>();
  for (const w of [...desired.deployments, ...desired.statefulSets]) templates.set(resourceKey(w), { labels: w.template.labels, ports: portsOf(w.template.spec.containers) });
  for (const p of desired.pods) templates.set(resourceKey(p), { labels: p.meta.labels, ports: portsOf(p.spec.containers) });
  return pods
    .filter((o) => o.kind !== 'Service')
    .map((o) => {
      const owner = o.infra ?? o.containers[0];
      const template = templates.get(`${o.kind}/${o.namespace}/${o.owner}`);
      return {
        namespace: o.namespace,
        name: o.name,
        labels: parseLabels(owner?.labels[LABEL.podLabels]) ?? template?.labels ?? {},
        ip: owner?.networks[networkName(instance, o.namespace)] ?? '',
        ready: ready.get(`${o.namespace}/${o.name}`) ?? false,
        terminating: false,
        ports: template?.ports,
      };
    });
}

function portsOf(containers: readonly Container[]): PodEndpointInput['ports'] {
  return containers.flatMap((c) => c.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })));
}

function parseLabels(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}
