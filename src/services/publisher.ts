/**
 * Keeps berth's proxy in step with the pods. On every look at the pods (each apply turn,
 * each probe between passes) the ready, not terminating pods of each Service become its
 * endpoints in the instance's proxy process (src/services/proxy), which outlives berth and serves:
 * - NodePort and LoadBalancer listeners on host ports;
 * - each ClusterIP Service's ports inside the network namespace of its anchor
 *   (src/services/anchorPlan.ts), where the Service's name resolves.
 * One process for all of them: a process per Service cost ~50 MB each (measured with
 * `npm run bench -- scale --operator`). Before pods are stopped they leave the table, the
 * proxy confirms, and open connections drain within the grace period; then SIGTERM.
 * With --proxy-mode kernel (src/services/kernel) the listeners of host ports, of anchors or of
 * both are nftables rules instead (KernelRouting takes its part of each table), drained by
 * the conntrack table.
 */
import type { Container, DesiredState } from '../model';
import { resourceKey, templatedWorkloads } from '../model';
import type { ObservedPod, ObservedState } from '../observe';
import type { PodView } from '../health';
import type { RemovePodAction } from '../plan';
import { isAnchored } from '../plan';
import { networkName } from '../plan';
import { LABEL, type Runtime } from '../runtime';
import { clusterListeners, endpointKey, serviceEndpoints, ProxySupervisor, type EndpointTable, type PodEndpointInput, type ProxyStatus } from './proxy';
import { AnchorPids, anchorProxyNames, netnsOf } from './anchors';
import type { ForwardingModes } from './kernel/mode';
import { KernelRouting, leaveMode, mergeStatus } from './kernel/targets';
import { ingressListeners, syncTlsFiles, tlsDirOf, withIngress, type TlsFile } from './ingress';

export interface PublisherOptions {
  instance: string;
  stateDir: string;
  /** Address of LoadBalancer `port` listeners (`--lb-address`). */
  lbAddress?: string;
  /** ClusterIP Services have anchors (PlanContext.serviceAnchors): serve them. */
  serviceAnchors: boolean;
  /** Who forwards, for host ports and for anchors: the userspace proxy (default) or nftables rules (`--proxy-mode`). */
  modes?: ForwardingModes;
  /** Host ports of the Ingress listeners (`--ingress-http-port`, `--ingress-https-port`; default 80 and 443). */
  ingressPorts?: { http: number; https: number };
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** How long a removal waits for a proxy to confirm a table without the pod. */
const ACK_TIMEOUT_MS = 3000;

export class EndpointPublisher {
  private last?: { desired: DesiredState; observed: ObservedPod[]; inputs: PodEndpointInput[]; anchors: Map<string, string> };
  private readonly terminating = new Set<string>();
  private lastWarnings = '';
  private lastStatus?: ProxyStatus;
  /** The pods in the last table published. */
  private published = new Set<string>();
  private readonly supervisor: ProxySupervisor;
  /** Certificate files of the last table published (src/ingress). */
  private tlsFiles: ReadonlySet<string> = new Set();
  private readonly anchorPids: AnchorPids;
  private legacyChecked = false;
  private readonly kernel: KernelRouting;

  constructor(
    runtime: Runtime,
    private readonly opts: PublisherOptions,
  ) {
    this.supervisor = new ProxySupervisor({ stateDir: opts.stateDir, instance: opts.instance });
    this.anchorPids = new AnchorPids(async (id) => (await runtime.inspectContainer(id).catch(() => undefined))?.pid);
    this.kernel = new KernelRouting(opts.stateDir, opts.instance, opts.modes);
  }

  /** The applier's onViews: publish the endpoints of what it just saw. */
  async update(desired: DesiredState, observed: ObservedState, views: readonly PodView[]): Promise<void> {
    const present = new Set(observed.pods.map((p) => `${p.namespace}/${p.name}`));
    for (const id of this.terminating) if (!present.has(id)) this.terminating.delete(id);
    const anchors = this.opts.serviceAnchors ? await this.anchorNamespaces(desired, observed.pods) : new Map<string, string>();
    this.last = { desired, observed: observed.pods, inputs: podInputs(this.opts.instance, desired, observed.pods, views), anchors };
    await this.stopLegacyAnchorProxies();
    await this.publish(this.tableFor(this.inputs()));
    this.lastStatus = mergeStatus([await this.supervisor.status(), ...[await this.kernel.status()].filter((s): s is ProxyStatus => s !== undefined)]);
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
    const before = this.inputs();
    for (const p of leaving) this.terminating.add(p);
    const graceMs = Math.min(...pods.map((p) => p.graceSeconds)) * 1000;
    const inTable = this.tableFor(before).listeners.flatMap((l) => l.endpoints.filter((e) => leaving.has(e.pod)).map(endpointKey));
    // A table published since (a look that already left the pod out) may not be applied
    // yet: confirm one without the pod whenever the last published table had it.
    const lastHad = [...leaving].some((p) => this.published.has(p));
    if (inTable.length > 0 || lastHad) {
      const gen = await this.publish(this.tableFor(this.inputs()));
      if (gen !== undefined && !(await this.supervisor.waitApplied(gen, ACK_TIMEOUT_MS))) {
        this.opts.log('the proxy did not confirm the endpoint change in time; stopping the pods anyway', { pods: [...leaving] });
      }
    }
    const draining = [...(await this.supervisor.status()).draining, ...((await this.kernel.status())?.draining ?? [])];
    const lingering = draining.map((d) => d.endpoint).filter((e) => ips.has(e.slice(0, e.lastIndexOf(':'))));
    const endpoints = [...new Set([...inTable, ...lingering])];
    if (endpoints.length > 0) await Promise.all([this.supervisor.drain(endpoints, graceMs), this.kernel.drain(endpoints, graceMs)]);
  }

  /** The applier hooks, failures logged: a proxy problem must not stop pods from being managed. */
  hooks(): { onViews: (d: DesiredState, o: ObservedState, v: PodView[]) => Promise<void>; beforeRemove: (pods: RemovePodAction[]) => Promise<void> } {
    const logged = (what: string) => (err: unknown) => this.opts.log(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    return {
      onViews: (d, o, v) => this.update(d, o, v).catch(logged('publishing service endpoints')),
      beforeRemove: (pods) => this.withdraw(pods).catch(logged('draining endpoints')),
    };
  }

  /** The pods as last seen, those being removed marked terminating. */
  private inputs(): PodEndpointInput[] {
    return (this.last?.inputs ?? []).map((p) => (this.terminating.has(`${p.namespace}/${p.name}`) ? { ...p, terminating: true } : p));
  }

  /** Host listeners, then each anchored Service's listeners in its anchor's namespace (while the anchor runs). */
  private tableFor(inputs: readonly PodEndpointInput[]): EndpointTable {
    const last = this.last!;
    const table = serviceEndpoints(last.desired, inputs, { lbAddress: this.opts.lbAddress });
    for (const svc of last.desired.services.filter(isAnchored)) {
      const netns = last.anchors.get(resourceKey(svc));
      if (!netns) continue;
      const cluster = clusterListeners(svc, inputs, netns);
      table.listeners.push(...cluster.listeners);
      table.warnings.push(...cluster.warnings);
    }
    const ports = this.opts.ingressPorts ?? { http: 80, https: 443 };
    const ingress = { httpPort: ports.http, httpsPort: ports.https, tlsDir: tlsDirOf(this.supervisor.paths.dir) };
    return withIngress(table, ingressListeners(last.desired, inputs, ingress));
  }

  /** Service key -> the network namespace of its running anchor. */
  private async anchorNamespaces(desired: DesiredState, observed: readonly ObservedPod[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const seen = new Set<string>();
    // Anchors by Service, in one pass over the pods (a search per Service is Services x pods at every look).
    const anchors = new Map<string, ObservedPod['infra']>();
    for (const p of observed) if (p.kind === 'Service' && !anchors.has(`${p.namespace}/${p.owner}`)) anchors.set(`${p.namespace}/${p.owner}`, p.infra);
    for (const svc of desired.services.filter(isAnchored)) {
      const anchor = anchors.get(`${svc.meta.namespace}/${svc.meta.name}`);
      if (!anchor || anchor.state !== 'running') continue;
      seen.add(anchor.id);
      const pid = await this.anchorPids.pidOf(anchor.id);
      if (pid) out.set(resourceKey(svc), netnsOf(pid));
    }
    this.anchorPids.keepOnly(seen);
    return out;
  }

  /**
   * berth before 2026-12 ran one proxy per ClusterIP Service inside its anchor; they hold
   * the ports the instance's proxy now binds there. Stopped once, at the first look.
   */
  private async stopLegacyAnchorProxies(): Promise<void> {
    if (this.legacyChecked) return;
    this.legacyChecked = true;
    await leaveMode(this.kernel.modes, this.opts.stateDir, this.opts.instance, this.opts.log);
    for (const name of anchorProxyNames(this.opts.stateDir, this.opts.instance)) {
      this.opts.log('stopping a per-Service proxy of an older berth; the instance proxy serves the Service now', { proxy: name });
      await new ProxySupervisor({ stateDir: this.opts.stateDir, instance: name }).stop();
    }
  }

  /**
   * Writes the table: the kernel's part as nft rules (in force on return), the rest for the
   * proxy (started when needed); the proxy's generation, undefined when no proxy is needed.
   */
  private async publish(all: EndpointTable): Promise<number | undefined> {
    const table = await this.kernel.publish(all);
    this.published = new Set(all.listeners.flatMap((l) => l.endpoints.map((e) => e.pod)));
    if (table.listeners.length === 0 && !(await this.supervisor.running())) return undefined;
    await this.supervisor.ensureRunning();
    this.tlsFiles = await syncTlsFiles(tlsDirOf(this.supervisor.paths.dir), (table as { files?: TlsFile[] }).files ?? [], this.tlsFiles);
    const warnings = table.warnings.join('\n');
    if (warnings && warnings !== this.lastWarnings) this.opts.log('service endpoints', { warnings: table.warnings });
    this.lastWarnings = warnings;
    return this.supervisor.publish(table);
  }
}

/** What the proxies need of each observed pod: its IP on the namespace network, labels, readiness, ports. Anchors are left out. */
export function podInputs(instance: string, desired: DesiredState, pods: readonly ObservedPod[], views: readonly PodView[]): PodEndpointInput[] {
  const ready = new Map(views.map((v) => [`${v.namespace}/${v.name}`, v.ready]));
  const templates = new Map<string, { labels: Record<string, string>; ports: PodEndpointInput['ports'] }>();
  for (const w of templatedWorkloads(desired)) templates.set(resourceKey(w), { labels: w.template.labels, ports: portsOf(w.template.spec.containers) });
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
  // No Service carries SCTP (service.json), so an SCTP port is never an endpoint.
  return containers.flatMap((c) =>
    c.ports.flatMap((p) => (p.protocol === 'SCTP' ? [] : [{ name: p.name, containerPort: p.containerPort, protocol: p.protocol }])),
  );
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
