/**
 * The diff of each pod pair: the pod-level actions it needs. Needs nothing beyond the pair,
 * the built specs of its desired pod and the observed volumes (for the pod's emptyDirs).
 */
import { containerOf } from '../observe';
import type { ObservedPod } from '../observe';
import { LABEL, type ContainerSummary, type VolumeSummary } from '../runtime';
import type { FileSet } from './files';
import { initProgress } from './initSteps';
import type { BuiltPod } from './build';
import { networkName } from './names';
import type {
  CreatePodAction,
  DesiredPod,
  ImagePull,
  PlanContext,
  PodCreateReason,
  PodPair,
  PodRemoveReason,
  RemovePodAction,
  SetAliasesAction,
  StartPodAction,
} from './types';

export interface PodActions {
  removals: RemovePodAction[];
  creations: CreatePodAction[];
  starts: StartPodAction[];
  aliasUpdates: SetAliasesAction[];
  fileSets: FileSet[];
  /** Pods (`ns/name`) that need other aliases than they were created with, current ones unknown. */
  aliasesUnknown: string[];
}

/** Kubernetes' default grace period, for pods no longer declared that do not say their own. */
const DEFAULT_GRACE_SECONDS = 30;

/**
 * `graces`: workload key -> terminationGracePeriodSeconds of its declared template. Pods a
 * declared workload sheds (scaled down, superseded) stop with it, not with the default.
 */
export function podActions(
  pairs: readonly PodPair[],
  built: ReadonlyMap<DesiredPod, BuiltPod>,
  volumes: readonly VolumeSummary[],
  ctx: PlanContext,
  graces: ReadonlyMap<string, number> = new Map(),
): PodActions {
  const out: PodActions = { removals: [], creations: [], starts: [], aliasUpdates: [], fileSets: [], aliasesUnknown: [] };
  const create = (d: DesiredPod, reason: PodCreateReason) => {
    const b = built.get(d) as BuiltPod;
    out.creations.push(createPod(b, reason));
    out.fileSets.push(...b.volumes.fileSets);
  };
  for (const p of pairs) {
    switch (p.type) {
      case 'create':
        create(p.desired, p.reason);
        break;
      case 'replace': {
        const reason = p.reason === 'broken' ? 'repair' : 'replace';
        out.removals.push(removePod(p.observed, p.desired.key, reason, volumes, p.desired.spec.terminationGracePeriodSeconds, p.detail));
        create(p.desired, reason);
        break;
      }
      case 'delete':
        if (p.reason !== 'orphan' || ctx.prune) out.removals.push(removePod(p.observed, p.key, p.reason, volumes, graces.get(p.key) ?? ownGrace(p.observed)));
        break;
      case 'unchanged':
        keepPod(p.desired, p.observed, built.get(p.desired) as BuiltPod, ctx, out);
        break;
    }
  }
  return out;
}

function createPod(b: BuiltPod, reason: PodCreateReason): CreatePodAction {
  const d = b.desired;
  const action: CreatePodAction = {
    type: 'create-pod',
    key: d.key,
    namespace: d.namespace,
    pod: d.name,
    kind: d.kind,
    owner: d.owner,
    specHash: d.specHash,
    reason,
    containers: b.containers.containers,
    volumes: b.volumes.emptyDirs,
    pulls: pulls(d, b),
  };
  if (d.ordinal !== undefined) action.ordinal = d.ordinal;
  if (b.containers.infra) action.infra = b.containers.infra;
  if (b.containers.init.length > 0) action.init = b.containers.init;
  return action;
}

function pulls(d: DesiredPod, b: BuiltPod): ImagePull[] {
  const out = new Map<string, ImagePull>();
  if (b.containers.infra) out.set(b.containers.infra.image, { image: b.containers.infra.image, policy: 'IfNotPresent' });
  for (const c of [...d.spec.initContainers, ...d.spec.containers]) if (!out.has(c.image)) out.set(c.image, { image: c.image, policy: c.imagePullPolicy });
  return [...out.values()];
}

function removePod(
  o: ObservedPod,
  key: string,
  reason: PodRemoveReason,
  volumes: readonly VolumeSummary[],
  graceSeconds: number,
  detail?: string,
): RemovePodAction {
  const action: RemovePodAction = {
    type: 'remove-pod',
    key,
    namespace: o.namespace,
    pod: o.name,
    containerIds: [...o.containers.map((c) => c.id), ...(o.init ?? []).map((c) => c.id), ...(o.infra ? [o.infra.id] : [])],
    graceSeconds,
    reason,
    specHash: o.specHash,
    images: Object.fromEntries(o.containers.map((c) => [containerOf(c), c.image])),
    volumes: podEmptyDirs(volumes, o.namespace, o.name),
  };
  if (o.ordinal !== undefined) action.ordinal = o.ordinal;
  if (reason === 'repair' && detail) action.detail = detail;
  const sidecars = (o.init ?? []).filter((c) => c.labels[LABEL.init] === 'sidecar');
  if (sidecars.length > 0) action.sidecarIds = sidecars.map((c) => c.id);
  return action;
}

/** The grace period a pod was created with (label), else Kubernetes' default. */
function ownGrace(o: ObservedPod): number {
  const label = (o.infra ?? o.containers[0])?.labels[LABEL.grace];
  return label !== undefined && /^\d+$/.test(label) ? Number(label) : DEFAULT_GRACE_SECONDS;
}

export function podEmptyDirs(volumes: readonly VolumeSummary[], namespace: string, pod: string): string[] {
  return volumes
    .filter((v) => v.labels[LABEL.kind] === 'emptyDir' && v.labels[LABEL.namespace] === namespace && v.labels[LABEL.pod] === pod)
    .map((v) => v.name);
}

/** An unchanged pod may still need starting (stopped by hand) or new Service aliases. */
function keepPod(d: DesiredPod, o: ObservedPod, b: BuiltPod, ctx: PlanContext, out: PodActions): void {
  const stopped = containersToStart(d, o);
  if (stopped.length > 0) {
    out.starts.push({
      type: 'start-pod',
      key: d.key,
      namespace: d.namespace,
      pod: d.name,
      containerIds: stopped.map((c) => c.id),
      containers: stopped.map(containerOf),
    });
    // Secret files are on a tmpfs: after a host reboot they are gone; write them again first.
    out.fileSets.push(...b.volumes.fileSets.filter((s) => s.secret));
  }
  if (d.spec.hostNetwork) return;
  const owner = o.infra ?? o.containers[0];
  const network = networkName(ctx.instance, d.namespace);
  if (!(network in owner.networks)) {
    // Disconnected by hand (`docker network disconnect`): the list call says so even when the
    // alias cache does not. Connect it again with its aliases; the pod's containers stay.
    out.aliasUpdates.push({
      type: 'set-aliases',
      key: d.key,
      namespace: d.namespace,
      pod: d.name,
      container: owner.name,
      network,
      aliases: b.aliases,
      previous: [],
    });
    return;
  }
  const current = owner.aliases?.[network];
  if (current === undefined) {
    // The runtime did not report the endpoint's aliases (Docker's list API never does), so
    // set-aliases cannot be planned safely. The creation-time label still tells whether the
    // pod needs different ones: if so, say that the change waits for the pod's replacement.
    const atCreation = owner.labels[LABEL.aliases];
    if (atCreation !== undefined && atCreation !== b.aliases.join(',')) out.aliasesUnknown.push(`${d.namespace}/${d.name}`);
    return;
  }
  const previous = [...new Set(current.filter((a) => !isEngineAlias(a, owner)))].sort();
  if (previous.join('\n') === b.aliases.join('\n')) return;
  out.aliasUpdates.push({ type: 'set-aliases', key: d.key, namespace: d.namespace, pod: d.name, container: owner.name, network, aliases: b.aliases, previous });
}

/**
 * The infra container first; then the init containers' next step (initSteps.ts); the app
 * containers only once no init container holds them back.
 */
function containersToStart(d: DesiredPod, o: ObservedPod): ContainerSummary[] {
  const stopped = stoppedContainers(d, o);
  if (d.spec.initContainers.length === 0) return stopped;
  const init = initProgress(d.spec, o);
  const apps = stopped.filter((c) => c !== o.infra);
  return [...stopped.filter((c) => c === o.infra), ...init.start, ...(init.blocked ? [] : apps)];
}

/**
 * Containers to start: the infra container and never-started (`created`) ones always;
 * `exited` app containers only in restartPolicy Always pods (in OnFailure/Never pods exiting
 * is how a container finishes). Infra first, then app containers in spec order.
 */
function stoppedContainers(d: DesiredPod, o: ObservedPod): ContainerSummary[] {
  const startable = (c: ContainerSummary, always: boolean) => c.state === 'created' || (always && c.state === 'exited');
  const out: ContainerSummary[] = [];
  if (o.infra && startable(o.infra, true)) out.push(o.infra);
  const always = d.spec.restartPolicy === 'Always';
  for (const spec of d.spec.containers) {
    const c = o.containers.find((x) => containerOf(x) === spec.name);
    if (c && startable(c, always)) out.push(c);
  }
  return out;
}

/** Docker (before 25) lists the container's short id among its aliases; it is not ours. */
function isEngineAlias(alias: string, c: ContainerSummary): boolean {
  return alias === c.id.slice(0, 12) || alias === c.name;
}
