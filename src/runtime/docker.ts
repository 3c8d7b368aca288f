/**
 * The Docker adapter: the only module that imports dockerode. Every engine failure is
 * mapped once (errors.ts); every payload is translated by pure functions (mapping.ts,
 * createBody.ts). Objects are addressed by id or name, and messages name them.
 */
import * as fs from 'fs';
import * as path from 'path';
import type Dockerode from 'dockerode';
import DockerodeClient from './dockerode';
import { BerthError, messageOf } from '../util';
import { describeAddress, EngineAddress, EngineAddressOptions, resolveEngineAddress } from './address';
import { toCreateBody } from './createBody';
import { readAll } from './engineStreams';
import { logQuery } from './logLines';
import { openLogStream } from './logStream';
import { ExecSession, execTimeout, runExecSession, withDeadline } from './exec';
import { engineCall, engineReason, isUnreachable, mapEngineError, statusOf } from './errors';
import {
  ApiContainerInspect,
  ApiContainerListItem,
  ApiEvent,
  ApiPullMessage,
  labelFilter,
  normalizeImageRef,
  pullError,
  toDetails,
  toEngineEvent,
  toPullProgress,
  toSummary,
} from './mapping';
import { readPastEvents, subscribeEvents } from './events';
import { RequestCounter, type Dialer, type RequestCounts } from './requestCounter';
import { currentActivity } from '../util';
import { demuxBuffer } from './streams';
import { toContainerStats, type ApiStats } from './stats';
import type {
  ContainerCreateSpec,
  ContainerDetails,
  ContainerStats,
  ContainerSummary,
  EngineEvent,
  ExecResult,
  Labels,
  LogLine,
  LogOptions,
  LogStream,
  NetworkSummary,
  PullProgress,
  Runtime,
  Subscription,
  VolumeSummary,
} from './types';

/** exec output kept per call; Kubernetes keeps a little more for probes, this is plenty for a message. */
export const EXEC_OUTPUT_LIMIT = 4096;

export const PULL_HINT =
  'on a machine without registry access, preload the image: `docker load -i image.tar` ' +
  '(or `docker import rootfs.tar <name:tag>`), and set imagePullPolicy: IfNotPresent or Never';

/** 304: the container already is in the asked state (started, stopped). */
const alreadyDone = (status: number | undefined): boolean => status === 304;
const missing = (status: number | undefined): boolean => status === 404;
/** Disconnecting a container that is not on the network: already done. */
const notConnected = (_status: number | undefined, err: unknown): boolean => /is not connected to (the )?network/i.test(engineReason(err));
/** Missing, or another call is removing it right now. */
const goneOrGoing = (status: number | undefined, err: unknown): boolean => status === 404 || (status === 409 && /already in progress/i.test(engineReason(err)));

export class DockerRuntime implements Runtime {
  private readonly engine: string;
  /** container id -> network -> aliases; see fillAliases. */
  private readonly aliasCache = new Map<string, Record<string, string[]>>();

  private readonly requests = new RequestCounter(currentActivity);

  constructor(
    private readonly docker: Dockerode,
    address: string,
  ) {
    this.engine = `the Docker engine at ${address}`;
    this.requests.install(docker.modem as unknown as Dialer);
  }

  /** Engine requests made so far, by activity and operation (for /metrics and the bench). */
  requestCounts(): RequestCounts {
    return this.requests.snapshot();
  }

  /** Requests sent so far that can change what a list shows (requestCounter.ts: isWrite). */
  writes(): number {
    return this.requests.writes();
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return engineCall(what, fn, this.engine);
  }

  /** Like call(), but answers the predicate accepts count as success (stop a stopped container...). */
  private async tolerate(what: string, ok: (status: number | undefined, err: unknown) => boolean, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (ok(statusOf(err), err)) return;
      throw mapEngineError(err, what, this.engine);
    }
  }

  async ping(): Promise<void> {
    await this.call('cannot ping the Docker engine', () => this.docker.ping());
  }

  // ---- containers ----

  async listContainers(labels: Labels): Promise<ContainerSummary[]> {
    const filters = { label: labelFilter(labels) };
    const items = await this.call('cannot list containers', () => this.docker.listContainers({ all: true, filters }));
    const summaries = (items as unknown as ApiContainerListItem[]).map(toSummary);
    // A container joined to another's network namespace (`container:` mode) has no endpoint of
    // its own: nothing to learn by inspecting it.
    const unknown = summaries.filter((c) => !c.aliases && c.state === 'running' && Object.keys(c.networks).length > 0);
    await Promise.all(unknown.map((c) => this.fillAliases(c)));
    return summaries;
  }

  /**
   * Engines before 25 list `Aliases: null`; inspect has them. Aliases of a container only
   * change through connect/disconnect (which clear the cache), so each running container is
   * inspected once in this process's life, not on every pass: a no-op pass stays at one
   * list call.
   */
  private async fillAliases(c: ContainerSummary): Promise<void> {
    let aliases = this.aliasCache.get(c.id);
    if (!aliases) {
      const d = await this.inspectContainer(c.id).catch(() => undefined);
      if (!d) return; // gone, or the engine hiccuped: ask again next time
      // An endpoint without aliases (host network mode) is an answer too: remember it, or
      // such a container would be inspected on every pass.
      if (this.aliasCache.size > 10_000) this.aliasCache.clear();
      this.aliasCache.set(c.id, (aliases = d.aliases ?? {}));
    }
    if (Object.keys(aliases).length > 0) c.aliases = aliases;
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails> {
    const c = await this.call(`cannot inspect container "${idOrName}"`, () => this.docker.getContainer(idOrName).inspect());
    return toDetails(c as unknown as ApiContainerInspect);
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const body = toCreateBody(spec);
    const c = await this.call(`cannot create container "${spec.name}"`, () => this.docker.createContainer(body as unknown as Dockerode.ContainerCreateOptions));
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await this.tolerate(`cannot start container "${id}"`, alreadyDone, () => this.docker.getContainer(id).start());
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.tolerate(`cannot stop container "${id}"`, alreadyDone, () => this.docker.getContainer(id).stop({ t: timeoutSeconds }));
  }

  async removeContainer(id: string): Promise<void> {
    // `v` drops the container's anonymous volumes only, never named ones.
    await this.tolerate(`cannot remove container "${id}"`, goneOrGoing, () => this.docker.getContainer(id).remove({ force: true, v: true }));
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    await this.call(`cannot restart container "${id}"`, () => this.docker.getContainer(id).restart({ t: timeoutSeconds }));
  }

  /** The last `tail` lines of stdout+stderr (all lines when tail <= 0). */
  async logs(id: string, tail: number): Promise<string> {
    const what = `cannot read logs of container "${id}"`;
    const info = (await this.call(what, () => this.docker.getContainer(id).inspect())) as unknown as ApiContainerInspect;
    const body = await this.call(what, async () => {
      // Raw stream on purpose: dockerode's buffered mode JSON-parses bodies that look like JSON.
      const stream = await this.dialStream(`/containers/${encodeURIComponent(id)}/logs?`, {
        stdout: true,
        stderr: true,
        tail: tail > 0 ? String(tail) : 'all',
      });
      return readAll(stream);
    });
    return info.Config.Tty ? body.toString('utf8') : demuxBuffer(body);
  }

  streamLogs(id: string, opts: LogOptions, onLine: (line: LogLine) => void): LogStream {
    const what = `cannot read logs of container "${id}"`;
    return openLogStream(
      () => this.dialStream(`/containers/${encodeURIComponent(id)}/logs?`, logQuery(opts)),
      onLine,
      (err) => mapEngineError(err, what, this.engine),
    );
  }

  private dialStream(urlPath: string, options: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        { path: urlPath, method: 'GET', isStream: true, statusCodes: { 200: true, 404: 'no such container', 500: 'server error' }, options },
        (err: unknown, data: unknown) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)),
      );
    });
  }

  async stats(id: string): Promise<ContainerStats> {
    const raw = await this.call(`cannot read stats of container "${id}"`, () => this.docker.getContainer(id).stats({ stream: false, 'one-shot': true }));
    return toContainerStats(raw as unknown as ApiStats, Date.now());
  }

  async exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const what = `cannot exec ${JSON.stringify(cmd)} in container "${id}"`;
    const opts = { Cmd: cmd, AttachStdout: true, AttachStderr: true, AttachStdin: false, Tty: false };
    return withDeadline(
      timeoutMs,
      () => execTimeout(id, cmd, timeoutMs),
      async (signal) => {
        const exec = await this.call(what, () => this.docker.getContainer(id).exec(opts));
        const session: ExecSession = {
          start: () => exec.start({ Detach: false, Tty: false }),
          inspect: async () => {
            const info = await exec.inspect();
            return { Running: info.Running, ExitCode: info.ExitCode ?? null };
          },
        };
        return this.call(what, () => runExecSession(session, signal, EXEC_OUTPUT_LIMIT));
      },
    );
  }

  // ---- networks ----

  async listNetworks(labels: Labels): Promise<NetworkSummary[]> {
    const filters = { label: labelFilter(labels) };
    const nets = await this.call('cannot list networks', () => this.docker.listNetworks({ filters }));
    return nets.map((n) => ({ id: n.Id, name: n.Name, labels: { ...(n.Labels ?? {}) } }));
  }

  async createNetwork(name: string, labels: Labels): Promise<void> {
    await this.call(`cannot create network "${name}"`, () =>
      this.docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { ...labels }, CheckDuplicate: true }),
    );
  }

  async removeNetwork(name: string): Promise<void> {
    await this.tolerate(`cannot remove network "${name}"`, missing, () => this.docker.getNetwork(name).remove());
  }

  async connectNetwork(network: string, container: string, aliases: string[]): Promise<void> {
    this.aliasCache.clear();
    await this.call(`cannot connect container "${container}" to network "${network}"`, () =>
      this.docker.getNetwork(network).connect({ Container: container, EndpointConfig: { Aliases: [...aliases] } }),
    );
  }

  /** A container not connected to the network is not an error (the engine answers 500 then). */
  async disconnectNetwork(network: string, container: string): Promise<void> {
    this.aliasCache.clear();
    await this.tolerate(`cannot disconnect container "${container}" from network "${network}"`, notConnected, () =>
      this.docker.getNetwork(network).disconnect({ Container: container, Force: false }),
    );
  }

  // ---- volumes ----

  async listVolumes(labels: Labels): Promise<VolumeSummary[]> {
    const filters = { label: labelFilter(labels) };
    const res = await this.call('cannot list volumes', () => this.docker.listVolumes({ filters }));
    return (res.Volumes ?? []).map((v) => ({ name: v.Name, labels: { ...(v.Labels ?? {}) }, mountpoint: v.Mountpoint }));
  }

  async createVolume(name: string, labels: Labels): Promise<void> {
    await this.call(`cannot create volume "${name}"`, () => this.docker.createVolume({ Name: name, Labels: { ...labels } }));
  }

  async removeVolume(name: string): Promise<void> {
    await this.tolerate(`cannot remove volume "${name}"`, missing, () => this.docker.getVolume(name).remove());
  }

  // ---- images ----

  async hasImage(ref: string): Promise<boolean> {
    return (await this.inspectImage(ref)) !== undefined;
  }

  async imageUser(ref: string): Promise<string> {
    try {
      return (await this.docker.getImage(ref).inspect()).Config?.User ?? '';
    } catch (err) {
      throw mapEngineError(err, `cannot inspect image "${ref}"`, this.engine);
    }
  }

  /** The image's id and labels, or undefined when the image is absent. Not part of Runtime. */
  async inspectImage(ref: string): Promise<{ id: string; labels: Labels } | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { id: info.Id, labels: { ...(info.Config?.Labels ?? {}) } };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw mapEngineError(err, `cannot inspect image "${ref}"`, this.engine);
    }
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void> {
    const image = normalizeImageRef(ref);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(image);
    } catch (err) {
      throw this.pullFailure(ref, err);
    }
    await this.followImageStream(stream, onProgress).catch((err: unknown) => {
      throw this.pullFailure(ref, err);
    });
  }

  private pullFailure(ref: string, err: unknown): BerthError {
    const what = `cannot pull image "${ref}"`;
    if (isUnreachable(err)) return mapEngineError(err, what, this.engine); // no engine, not a pull problem
    return new BerthError('E_PULL', `${what}: ${engineReason(err)}`, PULL_HINT, { cause: err });
  }

  /** Follows a pull/import progress stream; an in-band `error` fails it. */
  private followImageStream(stream: NodeJS.ReadableStream, onProgress?: (p: PullProgress) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let failure: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) reject(err);
          else if (failure !== undefined) reject(new Error(failure));
          else resolve();
        },
        (msg: ApiPullMessage) => {
          const e = pullError(msg);
          if (e !== undefined) failure ??= e;
          else onProgress?.(toPullProgress(msg));
        },
      );
    });
  }

  /**
   * Imports a root filesystem tarball as an image (`docker import`), e.g. to preload an
   * image on a machine without registry access. `changes` are Dockerfile instructions
   * (`CMD ["sh"]`, `ENV PATH=/bin`). Not part of Runtime: only the Docker engine has it.
   */
  async importImage(tar: NodeJS.ReadableStream, ref: string, changes: string[]): Promise<void> {
    const image = normalizeImageRef(ref);
    const colon = image.lastIndexOf(':');
    const opts = { repo: image.slice(0, colon), tag: image.slice(colon + 1), changes };
    const what = `cannot import image "${image}"`;
    const stream = await this.call(what, () => this.docker.importImage(tar, opts));
    await this.call(what, () => this.followImageStream(stream));
  }

  /** Removes an image. A missing image is not an error. Not part of Runtime. */
  async removeImage(ref: string, force = true): Promise<void> {
    await this.tolerate(`cannot remove image "${ref}"`, missing, () => this.docker.getImage(ref).remove({ force }));
  }

  // ---- events ----

  async pastEvents(labels: Labels, sinceSeconds: number): Promise<EngineEvent[]> {
    const out: EngineEvent[] = [];
    const until = Math.ceil(Date.now() / 1000);
    await this.call('cannot read past engine events', async () => {
      const stream = await this.docker.getEvents({ since: Math.floor(sinceSeconds), until, filters: { label: labelFilter(labels) } });
      await readPastEvents(stream, (raw) => {
        const e = toEngineEvent(raw);
        if (e) out.push(e);
      });
    });
    return out;
  }

  subscribe(labels: Labels, onEvent: (e: EngineEvent) => void, onError?: (err: Error) => void): Subscription {
    return subscribeEvents(
      (since) => this.docker.getEvents({ since, filters: { label: labelFilter(labels) } }),
      (raw: ApiEvent) => {
        const e = toEngineEvent(raw);
        if (e) onEvent(e);
      },
      (err, what) => onError?.(mapEngineError(err, what, this.engine)),
    );
  }
}

function dockerodeOptions(a: EngineAddress): Dockerode.DockerOptions {
  if (a.kind === 'socket') return { socketPath: a.socketPath };
  if (!a.tls) return { host: a.host, port: a.port, protocol: 'http' };
  const dir = a.certPath ?? path.join(process.env.HOME ?? '', '.docker');
  const read = (f: string): Buffer => {
    try {
      return fs.readFileSync(path.join(dir, f));
    } catch (err) {
      throw new BerthError('E_IO', `cannot read TLS file ${path.join(dir, f)}: ${messageOf(err)}`, 'check DOCKER_CERT_PATH');
    }
  };
  return { host: a.host, port: a.port, protocol: 'https', ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/** A runtime on the local engine: `socketPath`, else `host`, else DOCKER_HOST, else /var/run/docker.sock. */
export function createDockerRuntime(opts: EngineAddressOptions = {}): DockerRuntime {
  const address = resolveEngineAddress(opts, process.env);
  return new DockerRuntime(new DockerodeClient(dockerodeOptions(address)), describeAddress(address));
}
