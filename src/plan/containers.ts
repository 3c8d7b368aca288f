/**
 * Container create specs of one desired pod. Mapping decisions (DESIGN.md):
 * - Kubernetes `command` -> Docker entrypoint, `args` -> cmd (both `$(VAR)`-expanded);
 * - resources.limits -> memoryBytes / nanoCpus; restartPolicy Always/OnFailure/Never ->
 *   always/on-failure/no; terminationGracePeriodSeconds -> stopTimeout;
 * - securityContext -> privileged, capAdd/capDrop, readOnlyRootfs, and what security.ts maps
 *   (user, groups, no-new-privileges, seccomp, the runAsNonRoot check);
 * - hostNetwork -> host network mode; hostPID -> pidMode host;
 * - a single-container pod is that container, owning the network endpoint (aliases, hostname,
 *   published ports); a pod of several gets an infra container (ctx.pauseImage) owning them,
 *   and the others join it with `container:` network mode (Docker refuses hostname and port
 *   publishing on joined containers, so every `hostPort` is published on the infra container).
 */
import type { Container } from '../model';
import { LABEL, type ContainerCreateSpec, type NetworkMode, type PortBinding } from '../runtime';
import { INFRA_CONTAINER } from '../observe';
import { CLUSTER_DOMAIN } from './aliases';
import { expandArgs, resolveEnv } from './env';
import { needsInfra } from './expand';
import { isSidecar } from './initSteps';
import { securityFields } from './security';
import { containerLabels } from './labels';
import type { ConfigLookup } from './lookup';
import { containerName, networkName } from './names';
import type { DesiredPod, PlanContext } from './types';
import { containerMounts, type PodVolumes } from './volumes';
import type { Warnings } from './warnings';

export interface PodContainers {
  infra?: ContainerCreateSpec;
  containers: ContainerCreateSpec[];
  /** Init containers and sidecars, in spec order (labelled `io.berth.init`). */
  init: ContainerCreateSpec[];
}

const RESTART = { Always: 'always', OnFailure: 'on-failure', Never: 'no' } as const;

export function buildContainers(
  pod: DesiredPod,
  aliases: string[],
  vols: PodVolumes,
  ctx: PlanContext,
  lookup: ConfigLookup,
  warnings: Warnings,
): PodContainers {
  const withInfra = needsInfra(pod.spec);
  const infraName = containerName(ctx.instance, pod.namespace, pod.name, INFRA_CONTAINER);
  const ownNetwork: NetworkMode = pod.spec.hostNetwork ? { type: 'host' } : { type: 'network', network: networkName(ctx.instance, pod.namespace), aliases };
  const joined: NetworkMode = withInfra ? { type: 'container', container: infraName } : ownNetwork;
  const ports = pod.spec.hostNetwork ? [] : pod.spec.containers.flatMap(hostPorts);
  const containers = pod.spec.containers.map((c) => appContainer(c, pod, joined, vols, ctx, lookup, warnings));
  const init = pod.spec.initContainers.map((c) => initContainer(appContainer(c, pod, joined, vols, ctx, lookup, warnings), c, pod));
  const infra = withInfra ? infraContainer(pod, ownNetwork, ctx, infraName) : undefined;
  for (const owner of infra ? [infra] : containers) makeNetworkOwner(owner, pod, ports, aliases);
  for (const c of [...(infra ? [infra] : []), ...containers, ...init]) c.labels[LABEL.grace] = String(pod.spec.terminationGracePeriodSeconds);
  return infra ? { infra, containers, init } : { containers, init };
}

/**
 * An init container is an app container that berth starts in order (initSteps.ts). Docker
 * restarts a failed one (`on-failure`, with its own backoff) unless the pod's restartPolicy
 * is Never, as kubelet does; a sidecar restarts `always`. Neither is probed by berth.
 */
function initContainer(spec: ContainerCreateSpec, c: Container, pod: DesiredPod): ContainerCreateSpec {
  const sidecar = isSidecar(c);
  spec.labels[LABEL.init] = sidecar ? 'sidecar' : 'init';
  delete spec.labels[LABEL.probes];
  spec.restartPolicy = sidecar ? 'always' : pod.spec.restartPolicy === 'Never' ? 'no' : 'on-failure';
  return spec;
}

/**
 * What only the container holding the pod's network may set: hostname, domain, published
 * ports, and labels recording the aliases it is created with and the pod's own labels.
 */
function makeNetworkOwner(spec: ContainerCreateSpec, pod: DesiredPod, ports: PortBinding[], aliases: string[]): void {
  if (pod.spec.hostNetwork) return;
  spec.hostname = pod.hostname;
  if (pod.subdomain) spec.domainname = `${pod.subdomain}.${pod.namespace}.${CLUSTER_DOMAIN}`;
  spec.ports = ports;
  spec.labels[LABEL.aliases] = aliases.join(',');
  spec.labels[LABEL.podLabels] = JSON.stringify(pod.labels);
}

function appContainer(
  c: Container,
  pod: DesiredPod,
  network: NetworkMode,
  vols: PodVolumes,
  ctx: PlanContext,
  lookup: ConfigLookup,
  warnings: Warnings,
): ContainerCreateSpec {
  const env = resolveEnv(c, pod, lookup, warnings, ctx.node);
  const spec: ContainerCreateSpec = {
    name: containerName(ctx.instance, pod.namespace, pod.name, c.name),
    image: c.image,
    labels: containerLabels(ctx, pod, c.name),
    env: env.env,
    network,
    mounts: containerMounts(c, pod, vols, warnings),
    ports: [],
    restartPolicy: pod.restartLimit === 0 && pod.spec.restartPolicy === 'OnFailure' ? 'no' : RESTART[pod.spec.restartPolicy],
    ...(pod.restartLimit !== undefined && pod.restartLimit > 0 && pod.spec.restartPolicy === 'OnFailure' ? { maxRetries: pod.restartLimit } : {}),
    privileged: c.securityContext.privileged,
    capAdd: c.securityContext.capabilitiesAdd,
    capDrop: c.securityContext.capabilitiesDrop,
    readOnlyRootfs: c.securityContext.readOnlyRootFilesystem,
    tty: c.tty,
    openStdin: c.stdin,
    stopTimeout: pod.spec.terminationGracePeriodSeconds,
    extraHosts: [],
  };
  if (c.readinessProbe || c.livenessProbe)
    spec.labels[LABEL.probes] = JSON.stringify({ readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe, ports: c.ports });
  const entrypoint = expandArgs(c.command, env.vars);
  const cmd = expandArgs(c.args, env.vars);
  if (entrypoint) spec.entrypoint = entrypoint;
  if (cmd) spec.cmd = cmd;
  if (c.workingDir) spec.workingDir = c.workingDir;
  if (c.resources.limits.memoryBytes !== undefined) spec.memoryBytes = c.resources.limits.memoryBytes;
  if (c.resources.limits.nanoCpus !== undefined) spec.nanoCpus = c.resources.limits.nanoCpus;
  if (c.resources.limits.gpus) spec.gpus = c.resources.limits.gpus;
  Object.assign(
    spec,
    securityFields(c, (m) => warnings.add(`${pod.key}: container ${c.name}: ${m}`)),
  );
  if (pod.spec.hostPID) spec.pidMode = 'host';
  if (env.secretEnv.length > 0) spec.secretEnv = env.secretEnv;
  return spec;
}

function infraContainer(pod: DesiredPod, network: NetworkMode, ctx: PlanContext, name: string): ContainerCreateSpec {
  const spec: ContainerCreateSpec = {
    name,
    image: ctx.pauseImage,
    labels: containerLabels(ctx, pod, INFRA_CONTAINER),
    env: [],
    network,
    mounts: [],
    ports: [],
    restartPolicy: 'always',
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootfs: false,
    tty: false,
    openStdin: false,
    stopTimeout: pod.spec.terminationGracePeriodSeconds,
    extraHosts: [],
  };
  if (ctx.pauseCommand) spec.entrypoint = [...ctx.pauseCommand];
  if (pod.spec.hostPID) spec.pidMode = 'host';
  return spec;
}

function hostPorts(c: Container): PortBinding[] {
  return c.ports
    .filter((p) => p.hostPort !== undefined)
    .map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol === 'UDP' ? 'udp' : p.protocol === 'SCTP' ? 'sctp' : 'tcp',
      hostPort: p.hostPort as number,
      hostIp: p.hostIP ?? '',
    }));
}
