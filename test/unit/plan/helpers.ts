/**
 * An in-memory engine for plan tests: `applyPlan` carries a plan's actions out on an
 * ObservedState the way the executor would on Docker, and refuses what Docker would refuse
 * (a container name in use, a network or volume that does not exist yet), so a plan in the
 * wrong order fails here too.
 */
import { createHash } from 'node:crypto';
import { groupPods } from '../../../src/observe/group';
import type { ObservedState } from '../../../src/observe/types';
import type { Action, Plan } from '../../../src/plan/types';
import type { ContainerCreateSpec, ContainerState, ContainerSummary, NetworkSummary, VolumeSummary } from '../../../src/runtime/types';

interface Engine {
  containers: ContainerSummary[];
  networks: NetworkSummary[];
  volumes: VolumeSummary[];
  files: Set<string>;
  /** container id -> the volumes it mounts (known for containers created here). */
  mounts: Map<string, string[]>;
}

export function applyPlan(observed: ObservedState, plan: Pick<Plan, 'actions'> & Partial<Plan>): ObservedState {
  const engine: Engine = {
    containers: observed.pods.flatMap((p) => [...(p.infra ? [p.infra] : []), ...p.containers, ...(p.init ?? [])]).map((c) => ({ ...c })),
    networks: [...observed.networks],
    volumes: [...observed.volumes],
    files: new Set(),
    mounts: new Map(),
  };
  for (const a of plan.actions) apply(engine, a);
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : 1);
  return { networks: engine.networks.sort(byName), volumes: engine.volumes.sort(byName), pods: groupPods(engine.containers) };
}

function apply(e: Engine, a: Action): void {
  switch (a.type) {
    case 'create-network':
      if (e.networks.some((n) => n.name === a.name)) throw new Error(`network ${a.name} exists`);
      e.networks.push({ id: idOf(a.name), name: a.name, labels: a.labels });
      return;
    case 'remove-network':
      if (e.containers.some((c) => a.name in c.networks)) throw new Error(`network ${a.name} has active endpoints`);
      e.networks = e.networks.filter((n) => n.name !== a.name);
      return;
    case 'create-volume':
      if (!e.volumes.some((v) => v.name === a.name)) e.volumes.push({ name: a.name, labels: a.labels, mountpoint: `/v/${a.name}` });
      return;
    case 'remove-volume':
      removeVolume(e, a.name);
      return;
    case 'write-files':
      e.files.add(a.dir);
      return;
    case 'create-pod':
      for (const v of a.volumes) if (!e.volumes.some((x) => x.name === v.name)) e.volumes.push({ name: v.name, labels: v.labels, mountpoint: `/v/${v.name}` });
      for (const spec of [...(a.infra ? [a.infra] : []), ...a.containers]) e.containers.push(createContainer(e, spec));
      createInit(e, a.init ?? [], a.containers);
      return;
    case 'remove-pod':
      e.containers = e.containers.filter((c) => !a.containerIds.includes(c.id));
      for (const v of a.volumes) removeVolume(e, v);
      return;
    case 'start-pod':
      for (const c of e.containers) if (a.containerIds.includes(c.id)) setState(c, 'running');
      return;
    case 'set-aliases': {
      const c = e.containers.find((x) => x.name === a.container);
      if (!c || !(a.network in c.networks)) throw new Error(`set-aliases: ${a.container} is not on ${a.network}`);
      c.aliases = { ...(c.aliases ?? {}), [a.network]: [...a.aliases] };
      return;
    }
  }
}

function createContainer(e: Engine, spec: ContainerCreateSpec): ContainerSummary {
  if (e.containers.some((c) => c.name === spec.name)) throw new Error(`container name ${spec.name} in use`);
  for (const m of spec.mounts) {
    if (m.type === 'volume' && !e.volumes.some((v) => v.name === m.source)) throw new Error(`${spec.name}: volume ${m.source} missing`);
    if (m.type === 'bind' && m.source.startsWith('/var/lib/berth/files/') && ![...e.files].some((d) => m.source.startsWith(d))) {
      throw new Error(`${spec.name}: files ${m.source} not written`);
    }
  }
  const c: ContainerSummary = {
    id: idOf(spec.name),
    name: spec.name,
    image: spec.image,
    labels: { ...spec.labels },
    state: 'running',
    status: 'Up 1 second',
    createdAt: 0,
    networks: {},
  };
  e.mounts.set(
    c.id,
    spec.mounts.filter((m) => m.type === 'volume').map((m) => m.source),
  );
  const net = spec.network;
  if (net.type === 'network') {
    if (!e.networks.some((n) => n.name === net.network)) throw new Error(`${spec.name}: network ${net.network} missing`);
    c.networks = { [net.network]: '10.0.0.2' };
    c.aliases = { [net.network]: [...net.aliases] };
  } else if (net.type === 'container' && !e.containers.some((x) => x.name === net.container)) {
    throw new Error(`${spec.name}: joins ${net.container}, which does not exist yet`);
  }
  return c;
}

/** As execute.ts: every init container created, started up to the first regular one; the app containers wait. */
function createInit(e: Engine, init: ContainerCreateSpec[], apps: ContainerCreateSpec[]): void {
  if (init.length === 0) return;
  const created = init.map((spec) => createContainer(e, spec));
  for (const c of created) setState(c, 'created');
  for (const c of e.containers) if (apps.some((s) => s.name === c.name)) setState(c, 'created');
  e.containers.push(...created);
  for (const c of created) {
    setState(c, 'running');
    if (c.labels['io.berth.init'] !== 'sidecar') return;
  }
  for (const c of e.containers) if (apps.some((s) => s.name === c.name)) setState(c, 'running');
}

function removeVolume(e: Engine, name: string): void {
  const user = e.containers.find((c) => e.mounts.get(c.id)?.includes(name));
  if (user) throw new Error(`volume ${name} in use by ${user.name}`);
  e.volumes = e.volumes.filter((v) => v.name !== name);
}

export function setState(c: ContainerSummary, state: ContainerState, exitCode = 0): void {
  c.state = state;
  c.status =
    state === 'running'
      ? 'Up 1 second'
      : state === 'exited'
        ? `Exited (${exitCode}) 1 second ago`
        : state === 'restarting'
          ? `Restarting (${exitCode}) 1 second ago`
          : 'Created';
}

function idOf(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

/** Observed state after applying the plan for `desired` to nothing. */
export function converged(plan: (o: ObservedState) => Plan): ObservedState {
  const empty: ObservedState = { networks: [], volumes: [], pods: [] };
  return applyPlan(empty, plan(empty));
}

export function types(p: Plan): string[] {
  return p.actions.map((a) => a.type);
}

/** Deep copy of an observed state, to edit "by hand" in a test. */
export function clone(o: ObservedState): ObservedState {
  return JSON.parse(JSON.stringify(o)) as ObservedState;
}

/** One short line per action: `create-pod:new web-1a2b-xyz`, `create-network berth_t_default`. */
export function summary(p: Plan): string[] {
  return p.actions.map((a) => {
    const reason = 'reason' in a ? `:${a.reason}` : '';
    const what = 'pod' in a ? a.pod : 'name' in a ? a.name : a.dir;
    return `${a.type}${reason} ${what}`;
  });
}
