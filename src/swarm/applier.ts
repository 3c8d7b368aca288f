/**
 * The Swarm engine (`--engine swarm`): berth's Applier on a swarm manager.
 *
 * Decision: the swarm backend is a sibling of the one-host EngineApplier behind the
 * reconciler's `Applier` port, not an implementation of the container-level `Runtime`. On a
 * swarm berth does not create containers: it declares services and the swarm's scheduler
 * places their tasks on nodes (by free capacity and constraints), restarts them and moves
 * them off a failed node. Planning pods container by container on one host would fight it.
 * Above the port nothing changes: the reconciler's passes, its rollout/rollback/self-heal
 * decisions, the journal, notes, write-back and the API are the same code.
 *
 * The rolling update is the swarm's own (`update_config`, from the Deployment's fenceposts:
 * render.ts) because the swarm alone knows when a task on another node is healthy; berth
 * keeps the decisions: it judges health from the tasks (health.ts), measures the progress
 * deadline, and on failure rolls back by applying the last good revision through the
 * reconciler (never the swarm's own rollback), so a rollback is recorded, noted and written
 * back exactly as on one host. StatefulSet ordinals are updated one at a time, highest first
 * (Kubernetes' RollingUpdate order); created in order when OrderedReady.
 *
 * Like the one-host engine, each step observes everything again from labels (services,
 * tasks, configs, secrets, networks of `io.berth.instance`), so a restarted berth continues.
 */
import type { ResourceStatus } from '../health';
import type { TerminatingStatus } from '../rollout';
import type { DesiredState } from '../model';
import type { ApplyMode, Applier, StepOutcome } from '../rollout';
import { LABEL, type Labels, type SwarmClient, type SwarmService, type SwarmServiceSpec, type SwarmTask } from '../runtime';
import { isBerthError } from '../util';
import { MESH_KIND } from './mesh/render';
import { renderSwarm, type DesiredService, type SwarmDesired } from './render';
import { serviceHealth, type ServiceHealth } from './health';
import { ordinalsAllowed } from './order';
import { pinMissing, pinnedNode, withPin } from './pin';
import { imageReference } from './images';

/** Look again this soon while the swarm works: tasks start in about a second. */
const LOOK_AGAIN_MS = 1000;

export interface SwarmApplierOptions {
  instance: string;
  prune: boolean;
  /** berth's proxy on every node for NodePort/LoadBalancer ports (docs/swarm.md, "The mesh"); without it, ports are the tasks' own. */
  meshImage?: string;
  now?: () => number;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

interface Run {
  revision: string;
  mode: ApplyMode;
  startedAt: number;
  deadlineMs: number;
  actions: number;
  summary: string[];
}

export class SwarmApplier implements Applier {
  private run?: Run;
  private statuses: ResourceStatus[] = [];
  private readonly now: () => number;

  constructor(
    private readonly swarm: SwarmClient,
    private readonly opts: SwarmApplierOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  async step(desired: DesiredState, revision: string, mode: ApplyMode): Promise<StepOutcome> {
    const run = this.runFor(desired, revision, mode);
    try {
      const want = renderSwarm(desired, this.opts.instance, revision, { meshImage: this.opts.meshImage });
      for (const w of want.warnings) this.opts.log?.warn({ revision }, w);
      const acted = await this.converge(want, run);
      if (!this.opts.prune) await this.removeMesh(want, run);
      const services = await this.swarm.listServices(this.mine());
      const tasks = await this.swarm.listTasks(this.mine());
      const health = this.judge(want, services, tasks);
      const degraded = health.filter((h) => h.health.health === 'Degraded');
      if (degraded.length > 0)
        return {
          type: 'failed',
          actions: run.actions,
          reason: `${degraded.length} service(s) degraded`,
          details: degraded.map((d) => `${d.key}: ${d.health.message}`),
        };
      const waiting = health.filter((h) => h.health.health !== 'Healthy');
      if (waiting.length === 0 && acted === 0) return { type: 'converged', actions: run.actions, summary: run.summary };
      if (this.now() - run.startedAt > run.deadlineMs && mode !== 'self-heal')
        return {
          type: 'failed',
          actions: run.actions,
          reason: `no progress within ${run.deadlineMs / 1000} s`,
          details: waiting.map((d) => `${d.key}: ${d.health.message}`),
        };
      return { type: 'progressing', actions: run.actions, summary: run.summary, requeueAfterMs: LOOK_AGAIN_MS };
    } catch (err) {
      if (isBerthError(err)) return { type: 'error', error: err };
      throw err;
    }
  }

  pastDeadline(revision: string): boolean {
    const r = this.run;
    return r !== undefined && r.revision === revision && this.now() - r.startedAt > r.deadlineMs;
  }

  resources(): ResourceStatus[] {
    return this.statuses;
  }

  /** The swarm stops replaced tasks itself, within their StopGracePeriod: berth keeps no ledger. */
  terminating(): TerminatingStatus[] {
    return [];
  }

  private mine(): Labels {
    return { [LABEL.instance]: this.opts.instance };
  }

  private runFor(desired: DesiredState, revision: string, mode: ApplyMode): Run {
    if (this.run && this.run.revision === revision && this.run.mode === mode) return this.run;
    const deadlines = [...desired.deployments, ...desired.statefulSets, ...desired.daemonSets].map((w) => w.progressDeadlineSeconds);
    this.run = { revision, mode, startedAt: this.now(), deadlineMs: Math.max(60, ...deadlines) * 1000, actions: 0, summary: [] };
    return this.run;
  }

  private did(run: Run, what: string): void {
    run.actions++;
    run.summary.push(what);
    this.opts.log?.info({ revision: run.revision }, what);
  }

  /** One pass of creates and updates the rules allow now; returns how many it made. */
  private async converge(want: SwarmDesired, run: Run): Promise<number> {
    const before = run.actions;
    const networks = new Set((await this.swarm.listNetworks(this.mine())).map((n) => n.name));
    for (const n of want.networks)
      if (!networks.has(n.name)) {
        await this.swarm.createOverlay(n.name, n.labels);
        this.did(run, `create network ${n.name}`);
      }
    const haveFiles = new Set([...(await this.swarm.listConfigs(this.mine())), ...(await this.swarm.listSecrets(this.mine()))].map((f) => f.name));
    for (const f of want.files)
      if (!haveFiles.has(f.name)) {
        await this.swarm.createFile(f.kind, f.name, f.labels, f.data);
        this.did(run, `create ${f.kind} ${f.name}`);
      }
    const ids = new Map([...(await this.swarm.listConfigs(this.mine())), ...(await this.swarm.listSecrets(this.mine()))].map((f) => [f.name, f.id]));
    const observed = await this.swarm.listServices(this.mine());
    const tasks = await this.swarm.listTasks(this.mine());
    const byName = new Map(observed.map((s) => [s.spec.Name, s]));
    const allowed = ordinalsAllowed(want.services, byName, (d, o) => serviceHealth(d, o, tasks).health === 'Healthy');
    const images = await this.imageReferences(want);
    for (const wanted of want.services) {
      const d = withImage(wanted, images.get(wanted.spec.TaskTemplate.ContainerSpec.Image + '\0' + wanted.pullPolicy));
      const o = byName.get(d.spec.Name);
      const pin = pinnedNode(d, o, tasks);
      const spec = withFileIds(pin ? withPin(d.spec, pin) : d.spec, ids);
      if (!o) {
        if (!allowed.has(d.spec.Name)) continue;
        await this.swarm.createService(spec);
        this.did(run, `create service ${d.spec.Name}`);
      } else if (allowed.has(d.spec.Name) && (o.spec.Labels[LABEL.specHash] !== d.specHash || drifted(d, o))) {
        await this.swarm.updateService(o.id, o.version, spec);
        this.did(run, `update service ${d.spec.Name}`);
      } else if (pin && pinMissing(o, pin)) {
        // The spec it runs plus the constraint: its task stays, so this is not an update of the ordinal (no turn to wait).
        await this.swarm.updateService(o.id, o.version, withPin(o.spec, pin));
        this.did(run, `pin service ${d.spec.Name} to node ${pin}`);
      }
    }
    if (this.opts.prune) await this.prune(want, observed, run);
    return run.actions - before;
  }

  /** How each image is named under its pull policy (images.ts), from the manager's copy. */
  private async imageReferences(want: SwarmDesired): Promise<Map<string, string>> {
    const refs = new Map<string, string>();
    for (const d of want.services) {
      const image = d.spec.TaskTemplate.ContainerSpec.Image;
      const key = image + '\0' + d.pullPolicy;
      if (refs.has(key)) continue;
      const local = d.pullPolicy === 'Always' ? undefined : await this.swarm.inspectImage(image);
      refs.set(key, imageReference(image, d.pullPolicy, local));
    }
    return refs;
  }

  /** Services, then files and networks, of this instance that the desired state no longer has. */
  private async prune(want: SwarmDesired, observed: SwarmService[], run: Run): Promise<void> {
    const names = new Set(want.services.map((s) => s.spec.Name));
    for (const o of observed)
      if (!names.has(o.spec.Name)) {
        await this.swarm.removeService(o.id);
        this.did(run, `remove service ${o.spec.Name}`);
      }
    // Old configs and secrets go once no task uses them; the swarm refuses while one does (409).
    const files = new Set(want.files.map((f) => f.name));
    for (const [kind, list] of [
      ['config', await this.swarm.listConfigs(this.mine())],
      ['secret', await this.swarm.listSecrets(this.mine())],
    ] as const)
      for (const f of list)
        if (!files.has(f.name))
          await this.swarm.removeFile(kind, f.id).then(
            () => this.did(run, `remove ${kind} ${f.name}`),
            () => undefined,
          );
    const nets = new Set(want.networks.map((n) => n.name));
    for (const n of await this.swarm.listNetworks(this.mine()))
      if (!nets.has(n.name))
        await this.swarm.removeNetwork(n.id).then(
          () => this.did(run, `remove network ${n.name}`),
          () => undefined,
        );
  }

  /** The mesh is berth's own, not the user's: it goes with the last published port, pruning or not. */
  private async removeMesh(want: SwarmDesired, run: Run): Promise<void> {
    const names = new Set(want.services.map((s) => s.spec.Name));
    for (const o of await this.swarm.listServices({ ...this.mine(), [LABEL.kind]: MESH_KIND }))
      if (!names.has(o.spec.Name)) {
        await this.swarm.removeService(o.id);
        this.did(run, `remove service ${o.spec.Name}`);
      }
  }

  private judge(want: SwarmDesired, services: SwarmService[], tasks: SwarmTask[]): { key: string; health: ServiceHealth }[] {
    const byName = new Map(services.map((s) => [s.spec.Name, s]));
    const judged = want.services.map((d) => ({
      key: d.key,
      ordinal: d.ordinal,
      kind: d.kind,
      namespace: d.namespace,
      owner: d.owner,
      health: serviceHealth(d, byName.get(d.spec.Name), tasks),
    }));
    this.statuses = judged.map((j) => ({
      kind: j.kind,
      namespace: j.namespace,
      name: j.ordinal === undefined ? j.owner : `${j.owner}-${j.ordinal}`,
      health: j.health.health,
      message: j.health.message,
    }));
    return judged;
  }
}

function withImage(d: DesiredService, image: string | undefined): DesiredService {
  const c = d.spec.TaskTemplate.ContainerSpec;
  if (image === undefined || image === c.Image) return d;
  return { ...d, spec: { ...d.spec, TaskTemplate: { ...d.spec.TaskTemplate, ContainerSpec: { ...c, Image: image } } } };
}

/** A reference to a config or secret names its id too (the swarm refuses a name alone). */
function withFileIds(spec: SwarmServiceSpec, ids: ReadonlyMap<string, string>): SwarmServiceSpec {
  const c = spec.TaskTemplate.ContainerSpec;
  const configs = c.Configs.map((r) => ({ ...r, ConfigID: ids.get(r.ConfigName ?? '') ?? '' }));
  const secrets = c.Secrets.map((r) => ({ ...r, SecretID: ids.get(r.SecretName ?? '') ?? '' }));
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: { ...c, Configs: configs, Secrets: secrets } } };
}

/** Changed behind berth's back (`docker service scale`, another image): self-heal puts it back. */
function drifted(d: DesiredService, o: SwarmService): boolean {
  const mode = o.spec.Mode;
  if (d.replicas !== undefined && (!('Replicated' in mode) || mode.Replicated.Replicas !== d.replicas)) return true;
  const image = o.spec.TaskTemplate.ContainerSpec.Image;
  return image !== d.spec.TaskTemplate.ContainerSpec.Image && !image.startsWith(`${d.spec.TaskTemplate.ContainerSpec.Image}@`);
}
