/**
 * A desired state as Swarm objects (pure): each Deployment a replicated service, each
 * DaemonSet a global service, each StatefulSet ordinal its own service with its own volume
 * and stable name; ConfigMap and Secret volumes as swarm configs and secrets named by content
 * hash; Services as aliases on the namespace's overlay network and as published ports.
 */
import { canonicalJson, mapSelects, shortHash } from '../model';
import type { Container, DeploymentResource, DaemonSetResource, DesiredState, NodeAffinity, PodTemplate, Probe, StatefulSetResource } from '../model';
import {
  CLUSTER_DOMAIN,
  claimTemplateName,
  configLookup,
  networkName,
  resolveEnv,
  statefulSetPodName,
  Warnings,
  type ConfigLookup,
  type DesiredPod,
} from '../plan';
import { fenceposts } from '../rollout';
import { LABEL, type Labels, type SwarmFileRef, type SwarmHealthCheck, type SwarmMount, type SwarmServiceSpec, type SwarmUpdateConfig } from '../runtime';
import { swarmPorts } from './ports';
import { renderMesh } from './mesh/render';

const NS = 1e9;

export type SwarmWorkload = DeploymentResource | StatefulSetResource | DaemonSetResource;

/** One service to run: its spec and what berth needs to judge it. */
export interface DesiredService {
  key: string;
  /** `Mesh`: berth's own proxy on every node (mesh/render.ts). */
  kind: SwarmWorkload['kind'] | 'Mesh';
  namespace: string;
  owner: string;
  ordinal?: number;
  /** Replicas wanted (global services: undefined, one per eligible node). */
  replicas?: number;
  /** The container's imagePullPolicy: how the applier names the image (images.ts). */
  pullPolicy: Container['imagePullPolicy'];
  /** Hash of the spec berth renders, without the revision: what decides an update. */
  specHash: string;
  spec: SwarmServiceSpec;
  /** The pod template's labels (what Services select) and the one container a task runs. */
  podLabels?: Record<string, string>;
  container?: Container;
}

/** A config or secret one service mounts; immutable, so its name carries its content hash. */
export interface DesiredFile {
  kind: 'config' | 'secret';
  name: string;
  labels: Labels;
  /** base64 */
  data: string;
}

export interface SwarmDesired {
  networks: { name: string; labels: Labels }[];
  services: DesiredService[];
  files: DesiredFile[];
  warnings: string[];
}

export interface RenderOptions {
  /** The mesh image: NodePort/LoadBalancer ports go to berth's proxy on every node (mesh/), not to the tasks' nodes. */
  meshImage?: string;
}

export function renderSwarm(desired: DesiredState, instance: string, revision: string, opts: RenderOptions = {}): SwarmDesired {
  const lookup = configLookup(desired);
  const warnings = new Warnings();
  const files = new Map<string, DesiredFile>();
  const services: DesiredService[] = [];
  const ctx = { instance, revision, lookup, warnings, files, desired, mesh: opts.meshImage !== undefined };
  for (const d of desired.deployments)
    services.push(renderService(ctx, d, d.template, d.meta.name, { Replicated: { Replicas: d.replicas } }, deploymentUpdate(d)));
  for (const ds of desired.daemonSets) services.push(renderService(ctx, ds, ds.template, ds.meta.name, { Global: {} }, daemonSetUpdate(ds)));
  for (const s of desired.statefulSets)
    for (let i = 0; i < s.replicas; i++)
      services.push(renderService(ctx, s, s.template, statefulSetPodName(s.meta.name, i), { Replicated: { Replicas: 1 } }, STOP_FIRST, i));
  const namespaces = [...new Set(services.map((s) => s.namespace))];
  const mesh = opts.meshImage === undefined ? undefined : renderMesh(desired, services, { instance, revision, image: opts.meshImage });
  if (mesh) services.push(mesh);
  return {
    networks: namespaces.map((ns) => ({
      name: networkName(instance, ns),
      labels: { [LABEL.managed]: 'true', [LABEL.instance]: instance, [LABEL.namespace]: ns },
    })),
    services,
    files: [...files.values()],
    warnings: warnings.list(),
  };
}

interface RenderContext {
  instance: string;
  revision: string;
  lookup: ConfigLookup;
  warnings: Warnings;
  files: Map<string, DesiredFile>;
  desired: DesiredState;
  /** Ports are the mesh's: the workloads' services publish none. */
  mesh: boolean;
}

/** One task at a time, the old one stopped first: what a StatefulSet pod (its volume) and host ports need. */
const STOP_FIRST: SwarmUpdateConfig = { Parallelism: 1, Delay: 0, FailureAction: 'pause', Monitor: 2 * NS, MaxFailureRatio: 0, Order: 'stop-first' };

/**
 * Kubernetes' fenceposts as the swarm's update_config: maxUnavailable 0 is `start-first` with
 * maxSurge tasks at a time, otherwise `stop-first` with maxUnavailable at a time. The swarm
 * pauses on a failed task (FailureAction pause) and berth, not the swarm, rolls back: to the
 * last good revision through the reconciler, so the journal, notes and write-back are the same
 * as on one host. Recreate is every task at once.
 */
export function deploymentUpdate(d: DeploymentResource): SwarmUpdateConfig {
  const monitor = Math.max(1, d.minReadySeconds) * NS;
  if (d.strategy.type === 'Recreate') return { ...STOP_FIRST, Parallelism: 0, Monitor: monitor };
  const { surge, unavailable } = fenceposts(d.strategy.maxSurge, d.strategy.maxUnavailable, d.replicas);
  return unavailable === 0
    ? { ...STOP_FIRST, Parallelism: Math.max(1, surge), Order: 'start-first', Monitor: monitor }
    : { ...STOP_FIRST, Parallelism: unavailable, Monitor: monitor };
}

function daemonSetUpdate(ds: DaemonSetResource): SwarmUpdateConfig {
  if (ds.updateStrategy.type === 'OnDelete') return { ...STOP_FIRST, Parallelism: 1 };
  const { unavailable } = fenceposts(0, ds.updateStrategy.maxUnavailable, 1);
  return { ...STOP_FIRST, Parallelism: Math.max(1, unavailable), Monitor: Math.max(1, ds.minReadySeconds) * NS };
}

function renderService(
  ctx: RenderContext,
  w: SwarmWorkload,
  template: PodTemplate,
  podName: string,
  mode: SwarmServiceSpec['Mode'],
  update: SwarmUpdateConfig,
  ordinal?: number,
): DesiredService {
  const ns = w.meta.namespace;
  const name = `${ctx.instance}-${ns}-${podName}`;
  const spec = template.spec;
  const where = `${w.kind}/${ns}/${w.meta.name}`;
  if (spec.containers.length > 1 || spec.initContainers.length > 0)
    ctx.warnings.add(`${where}: a swarm task runs one container: only "${spec.containers[0].name}" runs (sidecars and init containers are left out)`);
  const c = spec.containers[0];
  const pod: DesiredPod = {
    key: where,
    kind: w.kind,
    owner: w.meta.name,
    namespace: ns,
    name: podName,
    labels: template.labels,
    annotations: template.annotations,
    spec,
    specHash: w.templateHash,
    ...(ordinal !== undefined ? { ordinal } : {}),
    hostname: podName,
    claimTemplates: {},
    replaceOnSpecChange: true,
  };
  const env = resolveEnv(c, pod, ctx.lookup, ctx.warnings);
  const identity: Labels = {
    [LABEL.managed]: 'true',
    [LABEL.instance]: ctx.instance,
    [LABEL.namespace]: ns,
    [LABEL.kind]: w.kind,
    [LABEL.owner]: w.meta.name,
    [LABEL.pod]: podName,
    ...(ordinal !== undefined ? { [LABEL.ordinal]: String(ordinal) } : {}),
  };
  const { configs, secrets, mounts } = renderVolumes(ctx, w, c, ordinal);
  const aliases = serviceAliases(ctx.desired, ns, template.labels, w, podName);
  const body: Omit<SwarmServiceSpec, 'Labels'> & { Labels: Labels } = {
    Name: name,
    Labels: {},
    TaskTemplate: {
      ContainerSpec: {
        Image: c.image,
        Labels: identity,
        ...(c.command ? { Command: c.command } : {}),
        ...(c.args ? { Args: c.args } : {}),
        Env: env.env,
        ...(c.workingDir ? { Dir: c.workingDir } : {}),
        ...(c.securityContext.runAsUser !== undefined ? { User: String(c.securityContext.runAsUser) } : {}),
        Hostname: podName,
        Mounts: mounts,
        ...healthCheck(c),
        StopGracePeriod: spec.terminationGracePeriodSeconds * NS,
        Configs: configs,
        Secrets: secrets,
        ...(c.tty ? { TTY: true } : {}),
        ...(c.stdin ? { OpenStdin: true } : {}),
        ...(c.securityContext.readOnlyRootFilesystem ? { ReadOnly: true } : {}),
      },
      Resources: {
        Limits: {
          ...(c.resources.limits.nanoCpus ? { NanoCPUs: c.resources.limits.nanoCpus } : {}),
          ...(c.resources.limits.memoryBytes ? { MemoryBytes: c.resources.limits.memoryBytes } : {}),
        },
        Reservations: {
          ...(c.resources.requests.nanoCpus ? { NanoCPUs: c.resources.requests.nanoCpus } : {}),
          ...(c.resources.requests.memoryBytes ? { MemoryBytes: c.resources.requests.memoryBytes } : {}),
        },
      },
      RestartPolicy: { Condition: 'any', Delay: 1 * NS, MaxAttempts: 0 },
      Placement: { Constraints: placement(spec.nodeSelector ?? {}, spec.nodeAffinity, (m) => ctx.warnings.add(`${where}: ${m}`)) },
      Networks: [{ Target: networkName(ctx.instance, ns), Aliases: aliases }],
      ForceUpdate: 0,
    },
    Mode: mode,
    UpdateConfig: update,
    // dnsrr: the Service name resolves to the ready tasks' addresses. A VIP needs IPVS in the
    // nodes' kernels, which berth does not assume (docs/swarm.md).
    EndpointSpec: { Mode: 'dnsrr', Ports: ctx.mesh ? [] : swarmPorts(ctx.desired, ns, template.labels, c) },
  };
  const specHash = shortHash(canonicalJson(body));
  body.Labels = { ...identity, [LABEL.specHash]: specHash, [LABEL.revision]: ctx.revision };
  body.TaskTemplate.ContainerSpec.Labels = { ...identity, [LABEL.specHash]: specHash };
  return {
    key: where,
    kind: w.kind,
    namespace: ns,
    owner: w.meta.name,
    ...(ordinal !== undefined ? { ordinal } : {}),
    ...('Replicated' in mode ? { replicas: mode.Replicated.Replicas } : {}),
    pullPolicy: c.imagePullPolicy,
    specHash,
    spec: body,
    podLabels: template.labels,
    container: c,
  };
}

/**
 * nodeSelector, and what the swarm's constraints can say of a required node affinity, as
 * placement constraints on node labels (`node.labels.disk==ssd`). Swarm constraints must all
 * hold, with `==` and `!=` only: so one term's `In` with one value and `NotIn` map; several
 * terms (alternatives), `In` with several values, `Exists`, `DoesNotExist`, `Gt`, `Lt`,
 * `matchFields` and preferred terms do not, and each is warned about (the task may land on a
 * node Kubernetes would not have chosen).
 */
export function placement(nodeSelector: Record<string, string>, affinity?: NodeAffinity, warn: (message: string) => void = () => undefined): string[] {
  const constraints = Object.entries(nodeSelector)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `node.labels.${k}==${v}`);
  if (!affinity) return constraints;
  const at = 'affinity.nodeAffinity';
  if (affinity.preferred > 0) warn(`${at}.preferredDuringSchedulingIgnoredDuringExecution is not carried to the swarm (it has no preferences by node label)`);
  const terms = affinity.required;
  if (terms.length > 1) {
    warn(`${at}: ${terms.length} nodeSelectorTerms are alternatives, which swarm constraints cannot say; none is carried to the swarm`);
    return constraints;
  }
  for (const term of terms) {
    if (term.matchFields.length > 0) warn(`${at}: matchFields is not carried to the swarm`);
    for (const r of term.matchExpressions) {
      if (r.operator === 'In' && r.values.length === 1) constraints.push(`node.labels.${r.key}==${r.values[0]}`);
      else if (r.operator === 'NotIn') constraints.push(...r.values.map((v) => `node.labels.${r.key}!=${v}`));
      else
        warn(
          `${at}: "${r.key} ${r.operator}${r.values.length ? ` ${r.values.join(',')}` : ''}" is not carried to the swarm (its constraints say == or != one value)`,
        );
    }
  }
  return constraints;
}

/** A Service's name on the network for every pod it selects; a StatefulSet pod also `<pod>.<serviceName>`. */
function serviceAliases(desired: DesiredState, ns: string, podLabels: Record<string, string>, w: SwarmWorkload, podName: string): string[] {
  // The names a pod on one host answers to (plan/aliases.ts), the fully qualified ones included.
  const names = desired.services
    .filter((s) => s.meta.namespace === ns && s.type !== 'ExternalName' && mapSelects(s.selector, podLabels))
    .flatMap((s) => [s.meta.name, `${s.meta.name}.${ns}.${CLUSTER_DOMAIN}`]);
  if (w.kind === 'StatefulSet') names.push(podName, `${podName}.${w.serviceName}`, `${podName}.${w.serviceName}.${ns}.${CLUSTER_DOMAIN}`);
  return [...new Set(names)].sort();
}

/**
 * The readiness probe (else liveness) as a health check the swarm runs in the container:
 * exec as is, httpGet with the image's `wget`, tcpSocket with its `sh` and `nc` (busybox has them).
 * A task with a check is `running` only once healthy: the swarm's start-first waits for it.
 */
function healthCheck(c: Container): { HealthCheck?: SwarmHealthCheck } {
  const p: Probe | undefined = c.readinessProbe ?? c.livenessProbe;
  if (!p) return {};
  const port = (v: number | string): number => (typeof v === 'number' ? v : (c.ports.find((x) => x.name === v)?.containerPort ?? 0));
  const h = p.handler;
  const test =
    h.type === 'exec'
      ? ['CMD', ...h.command]
      : h.type === 'httpGet'
        ? // No `-T`: Debian's busybox 1.35 wget crashes with it; the check's Timeout bounds it.
          ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port(h.port)}${h.path}`]
        : h.type === 'tcpSocket'
          ? // busybox nc has no -z: connect, send nothing, leave.
            ['CMD-SHELL', `nc -w ${p.timeoutSeconds} 127.0.0.1 ${port(h.port)} </dev/null`]
          : ['CMD', 'grpc_health_probe', `-addr=127.0.0.1:${h.port}`];
  return {
    HealthCheck: {
      Test: test,
      Interval: p.periodSeconds * NS,
      Timeout: p.timeoutSeconds * NS,
      Retries: p.failureThreshold,
      StartPeriod: p.initialDelaySeconds * NS,
    },
  };
}

function renderVolumes(
  ctx: RenderContext,
  w: SwarmWorkload,
  c: Container,
  ordinal?: number,
): { configs: SwarmFileRef[]; secrets: SwarmFileRef[]; mounts: SwarmMount[] } {
  const configs: SwarmFileRef[] = [];
  const secrets: SwarmFileRef[] = [];
  const mounts: SwarmMount[] = [];
  const ns = w.meta.namespace;
  const volumeLabels = { [LABEL.managed]: 'true', [LABEL.instance]: ctx.instance, [LABEL.namespace]: ns, [LABEL.owner]: w.meta.name };
  for (const m of c.volumeMounts) {
    const v = w.template.spec.volumes.find((x) => x.name === m.name);
    const claim = w.kind === 'StatefulSet' ? w.volumeClaimTemplates.find((t) => t.name === m.name) : undefined;
    if (claim && ordinal !== undefined) {
      // The ordinal's volume keeps its name; the service stays on the node that holds it (applier).
      mounts.push({
        Type: 'volume',
        Source: `${ctx.instance}-${ns}-${claimTemplateName(claim.name, w.meta.name, ordinal)}`,
        Target: m.mountPath,
        ReadOnly: m.readOnly,
        VolumeOptions: { Labels: volumeLabels },
      });
      continue;
    }
    if (!v) continue;
    switch (v.type) {
      case 'emptyDir':
        mounts.push(
          v.medium === 'Memory' ? { Type: 'tmpfs', Target: m.mountPath } : { Type: 'volume', Target: m.mountPath, VolumeOptions: { Labels: volumeLabels } },
        );
        break;
      case 'persistentVolumeClaim':
        mounts.push({
          Type: 'volume',
          Source: `${ctx.instance}-${ns}-${v.claimName}`,
          Target: m.mountPath,
          ReadOnly: m.readOnly || v.readOnly,
          VolumeOptions: { Labels: volumeLabels },
        });
        break;
      case 'hostPath':
        mounts.push({ Type: 'bind', Source: v.path, Target: m.mountPath, ReadOnly: m.readOnly });
        break;
      case 'configMap':
      case 'secret': {
        const secret = v.type === 'secret';
        const sourceName = secret ? v.secretName : v.configMapName;
        const data = secret ? ctx.lookup.secret(ns, sourceName)?.data : ctx.lookup.configMap(ns, sourceName)?.data;
        if (!data) continue; // optional and absent: validation has said so
        const items = v.items ?? Object.keys(data).map((k) => ({ key: k, path: k }));
        for (const it of items) {
          if (data[it.key] === undefined) continue;
          const b64 = secret ? data[it.key] : Buffer.from(data[it.key]).toString('base64');
          const name = fileName(ctx.instance, ns, sourceName, it.key, b64);
          ctx.files.set(name, { kind: secret ? 'secret' : 'config', name, data: b64, labels: { ...volumeLabels, [LABEL.owner]: sourceName } });
          const ref = { File: { Name: `${m.mountPath}/${it.path}`, UID: '0', GID: '0', Mode: secret ? 0o400 : v.defaultMode } };
          if (secret) secrets.push({ ...ref, SecretName: name });
          else configs.push({ ...ref, ConfigName: name });
        }
        break;
      }
      default:
        ctx.warnings.add(`${w.kind}/${ns}/${w.meta.name}: volume "${v.name}" (${v.type}) is not carried to the swarm`);
    }
  }
  return { configs, secrets, mounts };
}

/** `<instance>-<source>-<key>-<hash>`: a new content is a new name (swarm configs are immutable); at most 64 characters. */
export function fileName(instance: string, ns: string, source: string, key: string, base64: string): string {
  const hash = shortHash(`${ns}\0${source}\0${key}\0${base64}`);
  const readable = `${instance}-${source}-${key}`.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 64 - hash.length - 1);
  return `${readable}-${hash}`;
}
