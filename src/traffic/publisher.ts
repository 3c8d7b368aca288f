/**
 * Keeps the proxy's endpoint table in step with the pods: on every look at the pods (each
 * apply turn, each probe between passes) the ready, not terminating pods of each Service
 * become its endpoints; before pods are stopped they leave the table, the proxy confirms,
 * and their open connections drain within the grace period (then SIGTERM). The proxy itself
 * is a separate process (src/proxy), so traffic keeps flowing while berth is stopped.
 */
import type { Container, DesiredState } from '../model/types';
import { resourceKey } from '../model/types';
import type { ObservedPod, ObservedState } from '../observe/types';
import type { PodView } from '../health/workload';
import type { RemovePodAction } from '../plan/types';
import { networkName } from '../plan/names';
import { LABEL } from '../runtime/types';
import { endpointKey, serviceEndpoints, type EndpointTable, type PodEndpointInput, type ProxyStatus, type ProxySupervisor } from '../proxy';

export interface PublisherOptions {
  instance: string;
  /** Address of LoadBalancer `port` listeners (`--lb-address`). */
  lbAddress?: string;
  log(msg: string, fields?: Record<string, unknown>): void;
}

/** How long a removal waits for the proxy to confirm a table without the pod. */
const ACK_TIMEOUT_MS = 3000;

export class EndpointPublisher {
  private last?: { desired: DesiredState; inputs: PodEndpointInput[] };
  private readonly terminating = new Set<string>();
  private lastWarnings = '';
  private lastStatus?: ProxyStatus;

  constructor(
    private readonly proxy: ProxySupervisor,
    private readonly opts: PublisherOptions,
  ) {}

  /** The applier's onViews: publish the endpoints of what it just saw. */
  async update(desired: DesiredState, observed: ObservedState, views: readonly PodView[]): Promise<void> {
    const present = new Set(observed.pods.map((p) => `${p.namespace}/${p.name}`));
    for (const id of this.terminating) if (!present.has(id)) this.terminating.delete(id);
    this.last = { desired, inputs: podInputs(this.opts.instance, desired, observed.pods, views) };
    if ((await this.publish()) !== undefined) this.lastStatus = await this.proxy.status();
  }

  /** The proxy's listeners and endpoints as of the last update (undefined: no proxy needed yet). */
  status(): ProxyStatus | undefined {
    return this.lastStatus;
  }

  /** The applier hooks, failures logged: a proxy problem must not stop pods from being managed. */
  hooks(): { onViews: (d: DesiredState, o: ObservedState, v: PodView[]) => Promise<void>; beforeRemove: (pods: RemovePodAction[]) => Promise<void> } {
    const logged = (what: string) => (err: unknown) => this.opts.log(`${what} failed`, { error: err instanceof Error ? err.message : String(err) });
    return {
      onViews: (d, o, v) => this.update(d, o, v).catch(logged('publishing service endpoints')),
      beforeRemove: (pods) => this.withdraw(pods).catch(logged('draining endpoints')),
    };
  }

  /** The applier's beforeRemove: out of the table, confirmed, drained (up to the grace period). */
  async withdraw(pods: readonly RemovePodAction[]): Promise<void> {
    if (!this.last) return;
    const before = this.table();
    for (const p of pods) this.terminating.add(`${p.namespace}/${p.pod}`);
    const leaving = new Set(pods.map((p) => `${p.namespace}/${p.pod}`));
    const endpoints = before.listeners.flatMap((l) => l.endpoints.filter((e) => leaving.has(e.pod)).map(endpointKey));
    if (endpoints.length === 0) return;
    const gen = await this.publish();
    if (gen === undefined) return;
    if (!(await this.proxy.waitApplied(gen, ACK_TIMEOUT_MS))) this.opts.log('the proxy did not confirm the endpoint change in time; stopping the pods anyway', { pods: [...leaving] });
    const graceMs = Math.min(...pods.map((p) => p.graceSeconds)) * 1000;
    await this.proxy.drain(endpoints, graceMs);
  }

  private table(): EndpointTable {
    if (!this.last) return { listeners: [], warnings: [] };
    const inputs = this.last.inputs.map((p) => (this.terminating.has(`${p.namespace}/${p.name}`) ? { ...p, terminating: true } : p));
    return serviceEndpoints(this.last.desired, inputs, { lbAddress: this.opts.lbAddress });
  }

  /** Writes the table (starting the proxy when a Service needs one); undefined when none is needed. */
  private async publish(): Promise<number | undefined> {
    const table = this.table();
    if (table.listeners.length === 0 && !(await this.proxy.running())) return undefined;
    await this.proxy.ensureRunning();
    const warnings = table.warnings.join('\n');
    if (warnings && warnings !== this.lastWarnings) this.opts.log('service endpoints', { warnings: table.warnings });
    this.lastWarnings = warnings;
    return this.proxy.publish(table);
  }
}

/** What the proxy needs of each observed pod: its IP on the namespace network, labels, readiness, ports. */
export function podInputs(instance: string, desired: DesiredState, pods: readonly ObservedPod[], views: readonly PodView[]): PodEndpointInput[] {
  const ready = new Map(views.map((v) => [`${v.namespace}/${v.name}`, v.ready]));
  const templates = new Map<string, { labels: Record<string, string>; ports: PodEndpointInput['ports'] }>();
  for (const w of [...desired.deployments, ...desired.statefulSets]) templates.set(resourceKey(w), { labels: w.template.labels, ports: portsOf(w.template.spec.containers) });
  for (const p of desired.pods) templates.set(resourceKey(p), { labels: p.meta.labels, ports: portsOf(p.spec.containers) });
  return pods.map((o) => {
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
