/**
 * The Swarm manager's API, behind berth's own types (./types.ts). Like the Docker adapter,
 * every failure becomes a BerthError once, here, naming the object.
 */
import type Dockerode from 'dockerode';
import DockerodeClient from '../dockerode';
import { describeAddress, resolveEngineAddress, type EngineAddressOptions } from '../address';
import { engineCall } from '../errors';
import { BerthError } from '../../util/errors';
import type { Labels } from '../types';
import type { SwarmFile, SwarmNetwork, SwarmNode, SwarmService, SwarmServiceSpec, SwarmTask, TaskState, UpdateState } from './types';

/* eslint-disable @typescript-eslint/no-explicit-any -- the Engine API's JSON, read field by field below */

const labelFilter = (labels: Labels): string => JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) });

export class SwarmClient {
  constructor(
    private readonly docker: Dockerode,
    readonly engine: string,
  ) {}

  /** Throws E_ENGINE unless the engine is a manager of an active swarm. */
  async ensureManager(): Promise<void> {
    const info: any = await engineCall('cannot read the engine info', () => this.docker.info(), this.engine);
    if (!isManagerInfo(info))
      throw new BerthError('E_ENGINE', `${this.engine} is not a swarm manager`, 'point DOCKER_HOST at a manager node, or run without --engine swarm');
  }

  async listServices(labels: Labels): Promise<SwarmService[]> {
    const raw: any[] = await engineCall('cannot list services', () => this.docker.listServices({ filters: labelFilter(labels) }), this.engine);
    return raw.map((s) => ({
      id: s.ID,
      version: s.Version?.Index ?? 0,
      spec: s.Spec as SwarmServiceSpec,
      ...(s.UpdateStatus?.State ? { update: { state: s.UpdateStatus.State as UpdateState, message: s.UpdateStatus.Message ?? '' } } : {}),
    }));
  }

  async createService(spec: SwarmServiceSpec): Promise<void> {
    await engineCall(`cannot create service "${spec.Name}"`, () => this.docker.createService(spec as any), this.engine);
  }

  async updateService(id: string, version: number, spec: SwarmServiceSpec): Promise<void> {
    await engineCall(`cannot update service "${spec.Name}"`, () => this.docker.getService(id).update({ ...spec, version } as any), this.engine);
  }

  async removeService(id: string): Promise<void> {
    await engineCall(`cannot remove service ${id}`, () => this.docker.getService(id).remove(), this.engine).catch(ignoreMissing);
  }

  async listTasks(labels: Labels): Promise<SwarmTask[]> {
    const raw: any[] = await engineCall('cannot list tasks', () => this.docker.listTasks({ filters: labelFilter(labels) }), this.engine);
    return raw.map((t) => ({
      id: t.ID,
      serviceId: t.ServiceID,
      nodeId: t.NodeID ?? '',
      slot: t.Slot ?? 0,
      state: t.Status?.State as TaskState,
      desiredState: t.DesiredState as TaskState,
      message: t.Status?.Message ?? '',
      error: t.Status?.Err ?? '',
      specLabels: t.Spec?.ContainerSpec?.Labels ?? {},
      ...(t.Status?.ContainerStatus?.ContainerID ? { containerId: t.Status.ContainerStatus.ContainerID } : {}),
      createdAt: Date.parse(t.CreatedAt ?? '') || 0,
    }));
  }

  /** The manager's copy of an image: its id and registry digests (`name@sha256:...`); undefined when absent. */
  async inspectImage(ref: string): Promise<{ id: string; repoDigests: string[] } | undefined> {
    const info: any = await engineCall(`cannot inspect image "${ref}"`, () => this.docker.getImage(ref).inspect(), this.engine).catch((err: unknown) => {
      if (err instanceof BerthError && err.code === 'E_NOT_FOUND') return undefined;
      throw err;
    });
    return info ? { id: info.Id, repoDigests: info.RepoDigests ?? [] } : undefined;
  }

  async listNodes(): Promise<SwarmNode[]> {
    const raw: any[] = await engineCall('cannot list nodes', () => this.docker.listNodes(), this.engine);
    return raw.map((n) => ({
      id: n.ID,
      hostname: n.Description?.Hostname ?? '',
      labels: n.Spec?.Labels ?? {},
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'active',
      address: n.Status?.Addr ?? '',
      memoryBytes: n.Description?.Resources?.MemoryBytes ?? 0,
      nanoCpus: n.Description?.Resources?.NanoCPUs ?? 0,
    }));
  }

  async listConfigs(labels: Labels): Promise<SwarmFile[]> {
    const raw: any[] = await engineCall('cannot list configs', () => this.docker.listConfigs({ filters: labelFilter(labels) }), this.engine);
    return raw.map((c) => ({ id: c.ID, name: c.Spec.Name, labels: c.Spec.Labels ?? {} }));
  }

  async listSecrets(labels: Labels): Promise<SwarmFile[]> {
    const raw: any[] = await engineCall('cannot list secrets', () => this.docker.listSecrets({ filters: labelFilter(labels) }), this.engine);
    return raw.map((c) => ({ id: c.ID, name: c.Spec.Name, labels: c.Spec.Labels ?? {} }));
  }

  /** `data` is base64; the value is never part of an error message. */
  async createFile(kind: 'config' | 'secret', name: string, labels: Labels, data: string): Promise<void> {
    const body = { Name: name, Labels: labels, Data: data };
    await engineCall(
      `cannot create ${kind} "${name}"`,
      () => (kind === 'config' ? this.docker.createConfig(body) : this.docker.createSecret(body)),
      this.engine,
    );
  }

  async removeFile(kind: 'config' | 'secret', id: string): Promise<void> {
    await engineCall(
      `cannot remove ${kind} ${id}`,
      () => (kind === 'config' ? this.docker.getConfig(id).remove() : this.docker.getSecret(id).remove()),
      this.engine,
    ).catch(ignoreMissing);
  }

  /** Builds `tag` on this node's engine from `files` (relative to `context`, the Dockerfile among them). */
  async buildImage(context: string, files: string[], tag: string): Promise<void> {
    const what = `cannot build image ${tag}`;
    const stream = await engineCall(what, () => this.docker.buildImage({ context, src: files }, { t: tag, rm: true, forcerm: true }), this.engine);
    const out = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) =>
      this.docker.modem.followProgress(stream, (err: Error | null, res: any[]) => (err ? reject(err) : resolve(res))),
    ).catch((err: unknown) => {
      throw new BerthError('E_ENGINE', `${what}: ${(err as Error).message}`);
    });
    const failed = out.find((o) => o.error);
    if (failed) throw new BerthError('E_ENGINE', `${what}: ${failed.errorDetail?.message ?? failed.error}`);
  }

  async hasImage(tag: string): Promise<boolean> {
    return engineCall(`cannot inspect image ${tag}`, () => this.docker.getImage(tag).inspect(), this.engine).then(
      () => true,
      (err: unknown) => {
        if (err instanceof BerthError && err.code === 'E_NOT_FOUND') return false;
        throw err;
      },
    );
  }

  async listNetworks(labels: Labels): Promise<SwarmNetwork[]> {
    const raw: any[] = await engineCall('cannot list networks', () => this.docker.listNetworks({ filters: labelFilter(labels) }), this.engine);
    return raw.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
  }

  async createOverlay(name: string, labels: Labels): Promise<void> {
    await engineCall(
      `cannot create network "${name}"`,
      () => this.docker.createNetwork({ Name: name, Driver: 'overlay', Attachable: true, Labels: labels }),
      this.engine,
    );
  }

  async removeNetwork(id: string): Promise<void> {
    await engineCall(`cannot remove network ${id}`, () => this.docker.getNetwork(id).remove(), this.engine).catch(ignoreMissing);
  }
}

function ignoreMissing(err: unknown): void {
  if (err instanceof BerthError && err.code === 'E_NOT_FOUND') return;
  throw err;
}

/** `docker info`: Swarm.LocalNodeState active and ControlAvailable (a manager). */
export function isManagerInfo(info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } }): boolean {
  return info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
}

export function createSwarmClient(opts: EngineAddressOptions = {}): SwarmClient {
  const address = resolveEngineAddress(opts, process.env);
  if (address.kind !== 'socket')
    throw new BerthError('E_USAGE', 'the swarm engine is reached through a unix socket only', 'DOCKER_HOST=unix:///path/to/manager.sock');
  return new SwarmClient(new DockerodeClient({ socketPath: address.socketPath }), describeAddress(address));
}

/** Whether the engine at `opts` is a swarm manager (for detecting `--engine swarm`). */
export async function engineIsSwarmManager(opts: EngineAddressOptions = {}): Promise<boolean> {
  const address = resolveEngineAddress(opts, process.env);
  if (address.kind !== 'socket') return false;
  const info: any = await engineCall(
    'cannot read the engine info',
    () => new DockerodeClient({ socketPath: address.socketPath }).info(),
    describeAddress(address),
  );
  return isManagerInfo(info);
}
