/**
 * The routing mesh berth brings (pure): one global service, `<instance>-berth-mesh`, running
 * berth's proxy on every node. It publishes every NodePort (and LoadBalancer `port`) of the
 * desired state in host mode on every node and forwards to the ready tasks of the selected
 * workloads over their namespace's overlay network, which it joins. The swarm's own mesh
 * (`mode: ingress`) and VIPs need IPVS in every node's kernel, which berth does not assume.
 *
 * Backends are named `tasks.<swarm service>` per selected workload (not the Service's alias),
 * so the same Service name in two namespaces cannot mix, and each workload's targetPort is its
 * own (a named port may differ between them).
 */
import { canonicalJson, mapSelects, shortHash, type DesiredState } from '../../model';
import { networkName } from '../../plan';
import { LABEL, type Labels, type SwarmPort, type SwarmUpdateConfig } from '../../runtime';
import type { DesiredService } from '../render';
import { MESH_ENV, type MeshConfig, type MeshListener } from './config';

const NS = 1e9;

/** The mesh service's name (berth's own, like an anchor on one host). */
export function meshServiceName(instance: string): string {
  return `${instance}-berth-mesh`;
}

export const MESH_KIND = 'Mesh';

/**
 * Host-mode ports cannot be held by two tasks on one node, so a new mesh task starts only
 * after the old one on its node stopped: one node at a time. It changes only when the
 * NodePort Services, their ports or the workloads they select change, never in a rollout.
 */
const MESH_UPDATE: SwarmUpdateConfig = { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 2 * NS, MaxFailureRatio: 0, Order: 'stop-first' };

/** Every NodePort / LoadBalancer port of `desired`, with the workload services behind it. */
export function meshConfig(desired: DesiredState, workloads: readonly DesiredService[]): MeshConfig {
  const listeners: MeshListener[] = [];
  for (const s of desired.services) {
    if (s.type !== 'NodePort' && s.type !== 'LoadBalancer') continue;
    const ns = s.meta.namespace;
    const selected = workloads.filter((w) => w.kind !== MESH_KIND && w.namespace === ns && mapSelects(s.selector, w.podLabels ?? {}));
    for (const p of s.ports) {
      const published = s.type === 'NodePort' ? p.nodePort : p.port;
      if (published === undefined) continue;
      const backends = selected.flatMap((w) => {
        const target = typeof p.targetPort === 'number' ? p.targetPort : w.container?.ports.find((x) => x.name === p.targetPort)?.containerPort;
        return target === undefined ? [] : [{ name: `tasks.${w.spec.Name}`, port: target }];
      });
      listeners.push({
        protocol: p.protocol === 'UDP' ? 'UDP' : 'TCP',
        port: published,
        service: `${ns}/${s.meta.name}`,
        servicePort: p.port,
        source: s.type === 'NodePort' ? 'nodePort' : 'loadBalancer',
        backends: backends.sort((a, b) => a.name.localeCompare(b.name)),
      });
    }
  }
  return { format: 1, listeners: listeners.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol)) };
}

/** The mesh service, or undefined when no Service publishes a port. */
export function renderMesh(
  desired: DesiredState,
  workloads: readonly DesiredService[],
  opts: { instance: string; revision: string; image: string },
): DesiredService | undefined {
  const config = meshConfig(desired, workloads);
  if (config.listeners.length === 0) return undefined;
  const namespaces = [...new Set(desired.services.filter((s) => s.type === 'NodePort' || s.type === 'LoadBalancer').map((s) => s.meta.namespace))];
  // Only namespaces with workloads have an overlay network (render.ts): a Service without them has nothing to reach.
  const networks = namespaces.filter((ns) => workloads.some((w) => w.namespace === ns)).sort();
  const name = meshServiceName(opts.instance);
  const identity: Labels = { [LABEL.managed]: 'true', [LABEL.instance]: opts.instance, [LABEL.kind]: MESH_KIND, [LABEL.owner]: 'berth-mesh' };
  const ports: SwarmPort[] = config.listeners.map((l) => ({
    Protocol: l.protocol === 'UDP' ? 'udp' : 'tcp',
    TargetPort: l.port,
    PublishedPort: l.port,
    PublishMode: 'host',
  }));
  const body = {
    Name: name,
    Labels: {} as Labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: opts.image,
        Labels: identity,
        Env: [`${MESH_ENV}=${JSON.stringify(config)}`],
        Hostname: name,
        Mounts: [],
        StopGracePeriod: 6 * NS,
        Configs: [],
        Secrets: [],
      },
      Resources: { Limits: {}, Reservations: {} },
      RestartPolicy: { Condition: 'any' as const, Delay: 1 * NS, MaxAttempts: 0 },
      Placement: { Constraints: [] },
      Networks: networks.map((ns) => ({ Target: networkName(opts.instance, ns), Aliases: [] })),
      ForceUpdate: 0,
    },
    Mode: { Global: {} },
    UpdateConfig: MESH_UPDATE,
    EndpointSpec: { Mode: 'dnsrr' as const, Ports: ports },
  };
  const specHash = shortHash(canonicalJson(body));
  body.Labels = { ...identity, [LABEL.specHash]: specHash, [LABEL.revision]: opts.revision };
  body.TaskTemplate.ContainerSpec.Labels = { ...identity, [LABEL.specHash]: specHash };
  // IfNotPresent: the mesh image is named by its tag (every node has it, or pulls it). Spread, so it type-checks whether or not DesiredService has a pull policy.
  return { ...{ pullPolicy: 'IfNotPresent' as const }, key: `${MESH_KIND}/${name}`, kind: MESH_KIND, namespace: '', owner: 'berth-mesh', specHash, spec: body };
}
