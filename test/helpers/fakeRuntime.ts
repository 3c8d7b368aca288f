/**
 * FakeRuntime: an in-memory `Runtime` for unit tests of the reconcile loop, plus FakeClock,
 * the virtual time it runs on. test/contract/runtime.contract.ts runs the same suite against
 * this fake and against DockerRuntime on a real engine, so the two cannot drift apart.
 *
 * What it models (as DockerRuntime on Engine 20.10 shows it):
 * - containers, networks, volumes and images in memory; label filters (every given label
 *   must match; image labels are merged into container labels like Docker does); names
 *   without the leading '/'; lookup by id, name or unique id prefix; newest container first;
 * - states created / running / restarting / exited, exit codes, pid, startedAt/finishedAt,
 *   restartCount, Docker's status lines ("Up 3 seconds", "Exited (137) 2 seconds ago");
 *   the wire formats are passed through the adapter's own mapping (toSummary/toDetails/
 *   toEngineEvent), and errors through its mapEngineError, so codes and messages match;
 * - process behaviour scripted per container (`behaviour` hook): SIGTERM handled at once,
 *   after `shutdownMs`, or ignored (then SIGKILL, 137, after the stop timeout);
 *   `stopContainer` resolves only when the container has stopped, like `docker stop`;
 *   exits on its own (`exitAfterMs`, `exitCode`, `oomKilled`); restart policies with Docker's
 *   back-off (100 ms, doubling, reset after 10 s of running) and "manually stopped" rule;
 *   a manual start or restart resets restartCount to 0, as Docker does;
 * - tolerance exactly where the adapter tolerates: removing a missing container, network or
 *   volume; stopping a stopped or never started container; starting a running one;
 *   disconnecting a container that is not connected; creating an existing volume;
 * - engine quirks the adapter passes through: create succeeds with a missing network (start
 *   then fails E_NOT_FOUND); a network with only stopped containers can be removed; a
 *   stopped container can be "connected" to a missing network; a missing named volume is
 *   created, unlabelled, by the container that mounts it; a volume used by any container
 *   (even a stopped one) cannot be removed; host-port clashes at start (E_CONFLICT);
 *   `container:` network mode needs a running target and cannot be connected elsewhere;
 * - log streams (streamLogs): whole lines stamped with the clock's time, tail and since,
 *   follow of a running container until it stops (a restart opens no new stream); all lines
 *   are stdout (nothing models stderr);
 * - networks per container with made-up 10.x IPv4 addresses (strings only) while running;
 *   aliases as inspect reports them, and in list results for running containers (like the
 *   adapter's alias fill);
 * - events like Docker's stream: create, start, kill, die, stop, restart, destroy,
 *   exec_create/exec_start/exec_die for containers, delivered asynchronously in order to
 *   subscriptions whose labels the object carries; network and volume events carry no
 *   labels on Engine 20.10, so only unfiltered subscriptions see them; the last 256 are kept
 *   for pastEvents, as the engine keeps them;
 * - images present locally vs. in a fake "registry": pullImage of anything not in the
 *   registry fails E_PULL naming the image, with the adapter's hint;
 * - engine calls counted per method (`calls`, `history`), an engine that is down
 *   (`setEngineDown`), one-shot failures (`failNext`), a broken event stream (`breakEvents`).
 *
 * What it does not model:
 * - no network traffic at all: addresses are strings, nothing listens, so httpGet/tcpSocket
 *   probes cannot reach fake containers; loop tests use exec probes (scripted with the
 *   `exec` hook) or no probes; published host ports are bookkeeping for clash checks only;
 * - no real processes, filesystems, env expansion, users, limits, bind-mount source checks,
 *   tty output, paused/dead/removing states, health checks, image layers or registries;
 * - exec output is whatever the hook returns (default exit 0, no output);
 * - subscriptions do not replay the last second of events like the adapter does (a consumer
 *   must not depend on seeing an event twice anyway);
 * - no latency: every call completes at once (in microtasks) unless it waits on the FakeClock
 *   (stop timeouts, shutdownMs, exec durationMs, restart back-off). Nothing moves the clock
 *   but the test: await such a call with `clock.advanceUntil(promise)`, or advance meanwhile.
 *
 * Usage:
 *   const clock = new FakeClock();
 *   const rt = new FakeRuntime({
 *     clock,
 *     images: ['busybox:1.36'],
 *     behaviour: (spec) => spec.name.endsWith('-db') ? { ignoresSigterm: true } : { exitAfterMs: 5000, exitCode: 1 },
 *   });
 *   // ... run one pass of the loop against rt, then:
 *   await clock.advance(6000);            // the app crashed; restart policy applied
 *   assert.strictEqual(rt.calls.inspectContainer, 0);
 */
import { createHash } from 'crypto';
import { EXEC_OUTPUT_LIMIT, PULL_HINT } from '../../src/runtime/docker';
import { mapEngineError } from '../../src/runtime/errors';
import { execTimeout } from '../../src/runtime/exec';
import {
  normalizeImageRef,
  toAliases,
  toDetails,
  toEngineEvent,
  toSummary,
  type ApiContainerInspect,
  type ApiContainerListItem,
  type ApiEvent,
  type ApiNetworks,
} from '../../src/runtime/mapping';
import { CappedText } from '../../src/runtime/streams';
import { toContainerStats } from '../../src/runtime/stats';
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
} from '../../src/runtime/types';
import { BerthError } from '../../src/util/errors';

/** What a running fake container uses (working set). */
export const FAKE_MEMORY_BYTES = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// FakeClock

export interface FakeTimer {
  /** When it fires (clock ms). */
  readonly at: number;
  cancel(): void;
}

interface TimerEntry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets pending promise callbacks (and anything they chain) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Virtual time. Nothing happens until a test calls `advance(ms)`, which fires the timers due
 * within that span in time order (ties in scheduling order), letting promise callbacks run
 * between timers, and leaves the clock at now + ms. Concurrent `advance` calls run one after
 * the other.
 */
export class FakeClock {
  /** 2030-01-01T00:00:00Z: unix seconds well above any "is this a real time" check. */
  static readonly DEFAULT_START = Date.UTC(2030, 0, 1);

  private t: number;
  private seq = 0;
  private readonly timers: TimerEntry[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(startMs: number = FakeClock.DEFAULT_START) {
    this.t = startMs;
  }

  /** Milliseconds since the epoch, like Date.now(). */
  now(): number {
    return this.t;
  }

  /** Runs `fn` when the clock reaches `atMs` (on the next advance when that is already past). */
  at(atMs: number, fn: () => void): FakeTimer {
    const entry: TimerEntry = { at: atMs, seq: this.seq++, fn, cancelled: false };
    this.timers.push(entry);
    return {
      at: atMs,
      cancel: () => {
        entry.cancelled = true;
        const i = this.timers.indexOf(entry);
        if (i >= 0) this.timers.splice(i, 1);
      },
    };
  }

  /** Runs `fn` `ms` from now. */
  setTimeout(fn: () => void, ms: number): FakeTimer {
    return this.at(this.t + Math.max(0, ms), fn);
  }

  /** Resolves when the clock has advanced `ms` from now. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Timers not fired or cancelled yet. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the next timer fires, if any. */
  nextAt(): number | undefined {
    return this.next(Infinity)?.at;
  }

  /** Moves the clock `ms` forward, firing due timers in order; resolves when all ran. */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`FakeClock.advance: ${ms} is not a duration`);
    const run = this.queue.then(() => this.run(ms));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Advances from timer to timer until `p` settles, and returns (or throws) its outcome:
   * `await clock.advanceUntil(rt.stopContainer(id, 30))`. Fails when `p` is still pending
   * with no timer left (nothing could ever settle it) or after `maxMs`.
   */
  async advanceUntil<T>(p: Promise<T>, maxMs = 600_000): Promise<T> {
    let settled = false;
    const watched = p.finally(() => {
      settled = true;
    });
    watched.catch(() => undefined);
    const deadline = this.t + maxMs;
    await this.advance(0);
    while (!settled) {
      const next = this.nextAt();
      if (next === undefined) throw new Error('FakeClock.advanceUntil: the promise is pending and no timer is left to settle it');
      if (next > deadline) throw new Error(`FakeClock.advanceUntil: the promise did not settle within ${maxMs} ms`);
      await this.advance(Math.max(0, next - this.t));
    }
    return watched;
  }

  private next(limit: number): TimerEntry | undefined {
    let best: TimerEntry | undefined;
    for (const e of this.timers) {
      if (e.at > limit) continue;
      if (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    }
    return best;
  }

  private async run(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const due = this.next(target);
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.t = Math.max(this.t, due.at);
      if (!due.cancelled) due.fn();
    }
    this.t = target;
    await settle();
  }
}

// ---------------------------------------------------------------------------------------------
// Behaviour scripting

/** What the `exec` hook gets to look at. */
export interface FakeExecContext {
  id: string;
  name: string;
  spec: ContainerCreateSpec;
  /** How often the container has been started (1 for its first run). */
  starts: number;
  /** Clock time of the exec, ms. */
  now: number;
}

export interface FakeExecResult extends ExecResult {
  /**
   * How long the command runs on the FakeClock (default 0: it answers at once). Longer than
   * the exec's timeoutMs: the exec fails E_TIMEOUT when the clock passes the timeout.
   */
  durationMs?: number;
}

/** `number` or a function of the 1-based start number (policy restarts count too). */
export type PerStart<T> = T | ((start: number) => T);

/** How a container's process behaves; returned by the `behaviour` hook per created container. */
export interface FakeBehaviour {
  /** PID 1 ignores SIGTERM: stop waits for its timeout, then SIGKILL (exit 137). */
  ignoresSigterm?: boolean;
  /** Takes this long (clock ms) to exit after SIGTERM; default 0: at once. */
  shutdownMs?: number;
  /** Exit code after a handled SIGTERM; default 143 (128 + SIGTERM). */
  sigtermExitCode?: number;
  /** Exits on its own this long (clock ms) after each start; undefined: runs until stopped. */
  exitAfterMs?: PerStart<number | undefined>;
  /** Exit code when it exits on its own; default 0. */
  exitCode?: PerStart<number>;
  /** Its own exit is an OOM kill (exit code 137 unless `exitCode` says otherwise). */
  oomKilled?: boolean;
  /** startContainer fails like runc does (E_ENGINE, state unchanged, exit code 127). */
  startError?: string;
  /** Written to the logs at each start. */
  output?: PerStart<string>;
  /** Result of an exec; undefined (or no hook): exit 0, no output. */
  exec?(cmd: string[], ctx: FakeExecContext): FakeExecResult | undefined | Promise<FakeExecResult | undefined>;
}

export interface FakeImage {
  ref: string;
  labels?: Labels;
  /** Its Config.User ('' when absent). */
  user?: string;
}

export interface FakeRuntimeOptions {
  clock?: FakeClock;
  /** Images present locally (`busybox` means `busybox:latest`). */
  images?: Array<string | FakeImage>;
  /** Images pullImage can get; anything else fails E_PULL. */
  registry?: Array<string | FakeImage>;
  /** Scripts each created container's process; called once per createContainer. */
  behaviour?: (spec: ContainerCreateSpec) => FakeBehaviour | undefined;
}

// ---------------------------------------------------------------------------------------------
// Internal state

type FakeState = 'created' | 'running' | 'restarting' | 'exited';

interface Endpoint {
  network: string; // network name, the key Docker uses
  aliases: string[];
  ip: string; // '' when not running
}

interface FakeContainer {
  id: string;
  name: string;
  spec: ContainerCreateSpec;
  labels: Labels;
  createdMs: number;
  seq: number;
  behaviour: FakeBehaviour;
  state: FakeState;
  exitCode: number;
  oomKilled: boolean;
  error: string;
  startedMs?: number;
  finishedMs?: number;
  pid: number;
  restartCount: number;
  starts: number;
  manuallyStopped: boolean;
  backoffMs: number;
  logs: string;
  /** Complete lines with the clock time they were written, for streamLogs. */
  logLines: LogLine[];
  logPartial: string;
  /** Open follow streams: each gets new lines and ends when the container stops or goes. */
  logFollowers: Set<FakeLogFollower>;
  endpoints: Map<string, Endpoint>;
  anonymousVolumes: string[];
  exitTimer?: FakeTimer;
  termTimer?: FakeTimer;
  killTimers: FakeTimer[];
  restartTimer?: FakeTimer;
  termSent: boolean;
  stopRequested: boolean;
  stopWaiters: Array<() => void>;
  removed: boolean;
}

interface FakeLogFollower {
  onLine(line: LogLine): void;
  end(): void;
}

interface FakeNetwork {
  id: string;
  name: string;
  labels: Labels;
  predefined: boolean;
  subnet: number;
  hosts: number;
}

interface FakeVolume {
  name: string;
  labels: Labels;
}

interface FakeSubscription {
  labels: Labels;
  onEvent: (e: EngineEvent) => void;
  onError?: (err: Error) => void;
  closed: boolean;
}

export type RuntimeMethod = keyof Runtime;

const METHODS = [
  'ping',
  'listContainers',
  'inspectContainer',
  'createContainer',
  'startContainer',
  'stopContainer',
  'removeContainer',
  'restartContainer',
  'logs',
  'streamLogs',
  'exec',
  'stats',
  'listNetworks',
  'createNetwork',
  'removeNetwork',
  'connectNetwork',
  'disconnectNetwork',
  'listVolumes',
  'createVolume',
  'removeVolume',
  'hasImage',
  'imageUser',
  'pullImage',
  'pastEvents',
  'subscribe',
] as const satisfies readonly RuntimeMethod[];
// Fails to compile when Runtime gains a method METHODS lacks (requestCounts and writes are the counting itself).
const everyMethodCounted: [Exclude<RuntimeMethod, (typeof METHODS)[number] | 'requestCounts' | 'writes'>] extends [never] ? true : never = true;
void everyMethodCounted;

const ENGINE = 'the fake Docker engine';
const NEVER = '0001-01-01T00:00:00Z';
const PREDEFINED = ['bridge', 'host', 'none'];
const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const VOLUME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const RESTART_BACKOFF_MS = 100;
/** Docker keeps this many events in memory for `since` queries (daemon/events: eventsLimit). */
const EVENTS_KEPT = 256;
const RESTART_BACKOFF_MAX_MS = 60_000;

/** A failure as the engine answers it, mapped exactly like the adapter maps it. */
function engineError(what: string, statusCode: number, message: string): BerthError {
  return mapEngineError({ statusCode, json: { message } }, what, ENGINE);
}

function unreachable(what: string): BerthError {
  return mapEngineError(Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }), what, ENGINE);
}

/** docker/go-units HumanDuration, which `docker ps` status lines use. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

function matches(have: Labels, want: Labels): boolean {
  return Object.entries(want).every(([k, v]) => Object.prototype.hasOwnProperty.call(have, k) && have[k] === v);
}

function perStart<T>(v: PerStart<T> | undefined, start: number): T | undefined {
  return typeof v === 'function' ? (v as (start: number) => T)(start) : v;
}

function tailLines(text: string, tail: number): string {
  if (tail <= 0 || text === '') return text;
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.slice(-tail).join('');
}

const iso = (ms: number | undefined): string => (ms === undefined ? NEVER : new Date(ms).toISOString());

// ---------------------------------------------------------------------------------------------
// FakeRuntime

export class FakeRuntime implements Runtime {
  readonly clock: FakeClock;
  /** Engine calls per Runtime method, as the code under test made them. */
  readonly calls: Record<RuntimeMethod, number>;
  /** Every Runtime call in order, with its arguments. */
  readonly history: Array<{ method: RuntimeMethod; args: unknown[] }> = [];

  private readonly behaviourOf: (spec: ContainerCreateSpec) => FakeBehaviour | undefined;
  private readonly containers = new Map<string, FakeContainer>(); // by id
  private readonly networks = new Map<string, FakeNetwork>(); // by id
  private readonly volumes = new Map<string, FakeVolume>(); // by name
  private readonly images = new Map<string, Labels>(); // normalized ref -> labels
  private readonly imageUsers = new Map<string, string>(); // normalized ref -> Config.User
  private readonly registry = new Map<string, Labels>();
  private readonly subscriptions: FakeSubscription[] = [];
  /** The last EVENTS_KEPT events with their attributes, as the engine keeps them for `since` queries. */
  private readonly eventLog: ApiEvent[] = [];
  private readonly injected = new Map<RuntimeMethod, Array<Error | undefined>>();
  private down = false;
  private seq = 0;
  private nextPid = 4000;
  private nextSubnet = 88;

  constructor(opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? new FakeClock();
    this.behaviourOf = opts.behaviour ?? (() => undefined);
    this.calls = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<RuntimeMethod, number>;
    for (const i of opts.images ?? [])
      this.addImage(typeof i === 'string' ? i : i.ref, typeof i === 'string' ? {} : i.labels, typeof i === 'string' ? '' : i.user);
    for (const i of opts.registry ?? []) this.addToRegistry(typeof i === 'string' ? i : i.ref, typeof i === 'string' ? {} : i.labels);
    for (const name of PREDEFINED) this.addNetwork(name, {}, true);
  }

  // ---- test controls (not engine calls; not counted) ----

  resetCalls(): void {
    for (const m of METHODS) this.calls[m] = 0;
    this.history.length = 0;
  }

  /** Makes an image present locally. */
  addImage(ref: string, labels: Labels = {}, user = ''): void {
    this.images.set(normalizeImageRef(ref), { ...labels });
    this.imageUsers.set(normalizeImageRef(ref), user);
  }

  removeImage(ref: string): void {
    this.images.delete(normalizeImageRef(ref));
  }

  /** Makes an image pullable. */
  addToRegistry(ref: string, labels: Labels = {}): void {
    this.registry.set(normalizeImageRef(ref), { ...labels });
  }

  /** Every call fails E_ENGINE (unreachable) while down; going down breaks open subscriptions. */
  setEngineDown(down: boolean): void {
    this.down = down;
    if (down) this.breakEvents();
  }

  /** The next call of `method` fails with `err` (default: E_ENGINE with the adapter's sentence). */
  failNext(method: RuntimeMethod, err?: Error): void {
    const list = this.injected.get(method) ?? [];
    list.push(err);
    this.injected.set(method, list);
  }

  /** Ends every open subscription with an error, like an engine restart ending the stream. */
  breakEvents(): void {
    for (const s of this.subscriptions.splice(0)) {
      if (s.closed) continue;
      s.closed = true;
      const err = mapEngineError(new Error('the engine closed the event stream'), 'engine event stream ended', ENGINE);
      queueMicrotask(() => s.onError?.(err));
    }
  }

  /** The container's process exits on its own now (a crash); its restart policy applies. */
  exit(idOrName: string, exitCode = 1, opts: { oomKilled?: boolean } = {}): void {
    const c = this.find(idOrName);
    if (!c || c.state !== 'running') throw new Error(`FakeRuntime.exit: container "${idOrName}" is not running`);
    this.processExit(c, exitCode, opts.oomKilled ?? false);
  }

  /** Replaces a container's behaviour (applies from the next event: start, stop, exec...). */
  setBehaviour(idOrName: string, b: FakeBehaviour): void {
    const c = this.find(idOrName);
    if (!c) throw new Error(`FakeRuntime.setBehaviour: no container "${idOrName}"`);
    c.behaviour = b;
    if (c.state === 'running') {
      c.exitTimer?.cancel();
      c.exitTimer = undefined;
      this.scheduleOwnExit(c);
    }
  }

  /** Appends to a container's logs. */
  writeLog(idOrName: string, text: string): void {
    const c = this.find(idOrName);
    if (!c) throw new Error(`FakeRuntime.writeLog: no container "${idOrName}"`);
    this.appendLog(c, text);
  }

  /** The spec a container was created with (a copy), or undefined. */
  specOf(idOrName: string): ContainerCreateSpec | undefined {
    const c = this.find(idOrName);
    return c ? structuredClone(c.spec) : undefined;
  }

  /** inspectContainer without counting a call; undefined when missing. */
  peek(idOrName: string): ContainerDetails | undefined {
    const c = this.find(idOrName);
    return c ? toDetails(this.inspectWire(c)) : undefined;
  }

  // ---- Runtime ----

  async ping(): Promise<void> {
    this.enter('ping', 'cannot ping the Docker engine', []);
  }

  async listContainers(labels: Labels): Promise<ContainerSummary[]> {
    this.enter('listContainers', 'cannot list containers', [labels]);
    const found = [...this.containers.values()].filter((c) => matches(c.labels, labels)).sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
    return found.map((c) => {
      const s = toSummary(this.listWire(c));
      // The adapter fills aliases of running containers with endpoints from inspect.
      if (!s.aliases && s.state === 'running' && Object.keys(s.networks).length > 0) {
        const aliases = toAliases(this.wireNetworks(c, true), c.id) ?? {};
        if (Object.keys(aliases).length > 0) s.aliases = aliases;
      }
      return s;
    });
  }

  async inspectContainer(idOrName: string): Promise<ContainerDetails> {
    const what = `cannot inspect container "${idOrName}"`;
    this.enter('inspectContainer', what, [idOrName]);
    return toDetails(this.inspectWire(this.get(idOrName, what)));
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const what = `cannot create container "${spec.name}"`;
    this.enter('createContainer', what, [spec]);
    const name = spec.name.replace(/^\//, '') || `fake_${this.seq}`;
    if (!NAME_RE.test(name)) throw engineError(what, 400, `Invalid container name (${spec.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const taken = [...this.containers.values()].find((c) => c.name === name);
    if (taken) {
      throw engineError(
        what,
        409,
        `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const imageLabels = this.images.get(normalizeImageRef(spec.image));
    if (!imageLabels) throw engineError(what, 404, `No such image: ${normalizeImageRef(spec.image)}`);

    const seq = this.seq++;
    const id = createHash('sha256').update(`fake-container:${seq}:${name}`).digest('hex');
    const copy = structuredClone(spec);
    const c: FakeContainer = {
      id,
      name,
      spec: copy,
      labels: { ...imageLabels, ...spec.labels },
      createdMs: this.clock.now(),
      seq,
      behaviour: this.behaviourOf(copy) ?? {},
      state: 'created',
      exitCode: 0,
      oomKilled: false,
      error: '',
      pid: 0,
      restartCount: 0,
      starts: 0,
      manuallyStopped: false,
      backoffMs: 0,
      logs: '',
      logLines: [],
      logPartial: '',
      logFollowers: new Set(),
      endpoints: new Map(),
      anonymousVolumes: [],
      killTimers: [],
      termSent: false,
      stopRequested: false,
      stopWaiters: [],
      removed: false,
    };
    const n = spec.network;
    if (n.type === 'network') c.endpoints.set(n.network, { network: n.network, aliases: [...n.aliases], ip: '' });
    else if (n.type === 'host' || n.type === 'none') c.endpoints.set(n.type, { network: n.type, aliases: [], ip: '' });
    for (const m of spec.mounts) {
      if (m.type !== 'volume') continue;
      if (m.source === '') {
        const anon = createHash('sha256').update(`fake-volume:${this.seq++}`).digest('hex');
        this.makeVolume(anon, {});
        c.anonymousVolumes.push(anon);
      } else if (!this.volumes.has(m.source)) {
        this.makeVolume(m.source, {}); // Docker creates a missing named volume, without labels
      }
    }
    this.containers.set(id, c);
    this.containerEvent(c, 'create');
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const what = `cannot start container "${id}"`;
    this.enter('startContainer', what, [id]);
    const c = this.get(id, what);
    if (c.state === 'running' || c.state === 'restarting') return; // 304
    this.manualStart(c, what);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    const what = `cannot stop container "${id}"`;
    this.enter('stopContainer', what, [id, timeoutSeconds]);
    await this.stop(this.get(id, what), timeoutSeconds);
  }

  async removeContainer(id: string): Promise<void> {
    const what = `cannot remove container "${id}"`;
    this.enter('removeContainer', what, [id]);
    const c = this.find(id);
    if (!c) return;
    c.removed = true;
    if (c.state === 'running') {
      this.containerEvent(c, 'kill', { signal: '9' });
      this.processExit(c, 137, false);
    }
    c.restartTimer?.cancel();
    c.restartTimer = undefined;
    if (c.state === 'restarting') c.state = 'exited';
    this.containers.delete(c.id);
    for (const v of c.anonymousVolumes) this.dropVolume(v);
    this.containerEvent(c, 'destroy');
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    const what = `cannot restart container "${id}"`;
    this.enter('restartContainer', what, [id, timeoutSeconds]);
    const c = this.get(id, what);
    await this.stop(c, timeoutSeconds);
    if (c.removed) throw engineError(what, 404, `No such container: ${id}`);
    this.manualStart(c, what);
    this.containerEvent(c, 'restart');
  }

  async logs(id: string, tail: number): Promise<string> {
    const what = `cannot read logs of container "${id}"`;
    this.enter('logs', what, [id, tail]);
    return tailLines(this.get(id, what).logs, tail);
  }

  /**
   * A running container uses FAKE_MEMORY_BYTES and 1% of a CPU since its start, through the
   * engine's wire form and the adapter's own translation (toContainerStats); zeros otherwise.
   */
  async stats(id: string): Promise<ContainerStats> {
    const what = `cannot read stats of container "${id}"`;
    this.enter('stats', what, [id]);
    const c = this.get(id, what);
    const now = this.clock.now();
    if (c.state !== 'running') return toContainerStats({ memory_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 } } }, now);
    const cpuNanos = Math.round((now - (c.startedMs ?? now)) * 1e4); // 1% of a CPU, in ns
    return toContainerStats(
      {
        memory_stats: { usage: FAKE_MEMORY_BYTES + 4096, limit: c.spec.memoryBytes ?? 8 * 2 ** 30, stats: { inactive_file: 4096 } },
        cpu_stats: { cpu_usage: { total_usage: cpuNanos } },
      },
      now,
    );
  }

  /** Like Docker's: the lines so far (tail, since), then, following a running container, new ones until it stops. */
  streamLogs(id: string, opts: LogOptions, onLine: (line: LogLine) => void): LogStream {
    const what = `cannot read logs of container "${id}"`;
    let closed = false;
    let follower: FakeLogFollower | undefined;
    const done = (async () => {
      this.enter('streamLogs', what, [id, opts]);
      const c = this.get(id, what);
      const sinceMs = opts.sinceSeconds === undefined ? -Infinity : opts.sinceSeconds * 1000;
      const old = c.logLines.filter((l) => Date.parse(l.time) >= sinceMs);
      const lines = opts.tail !== undefined && opts.tail >= 0 ? old.slice(old.length - Math.min(opts.tail, old.length)) : old;
      // Following: new lines are queued from this very moment, so none falls between the two.
      let ended: () => void = () => undefined;
      const end = new Promise<void>((resolve) => (ended = resolve));
      if (opts.follow && c.state === 'running') {
        follower = { onLine: (l) => lines.push(l), end: () => ended() };
        c.logFollowers.add(follower);
      } else ended();
      await Promise.resolve(); // delivered asynchronously, like the engine's
      for (const l of lines.splice(0)) if (!closed) onLine({ ...l });
      if (follower) follower.onLine = (l) => !closed && onLine({ ...l });
      await end;
    })();
    return {
      done,
      close: () => {
        closed = true;
        follower?.end();
      },
    };
  }

  async exec(id: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    const what = `cannot exec ${JSON.stringify(cmd)} in container "${id}"`;
    this.enter('exec', what, [id, cmd, timeoutMs]);
    const c = this.get(id, what);
    if (c.state === 'restarting') throw engineError(what, 409, `Container ${c.id} is restarting, wait until the container is running`);
    if (c.state !== 'running') throw engineError(what, 409, `Container ${c.id} is not running`);
    const execId = createHash('sha256').update(`fake-exec:${this.seq++}`).digest('hex');
    const line = `${cmd[0] ?? ''} ${cmd.slice(1).join(' ')}`; // Docker: entrypoint + " " + args
    this.containerEvent(c, `exec_create: ${line}`);
    this.containerEvent(c, `exec_start: ${line}`);
    const ctx: FakeExecContext = { id: c.id, name: c.name, spec: c.spec, starts: c.starts, now: this.clock.now() };
    const r = (await c.behaviour.exec?.([...cmd], ctx)) ?? { exitCode: 0, output: '' };
    const duration = r.durationMs ?? 0;
    if (duration > timeoutMs) {
      await this.clock.sleep(timeoutMs);
      throw execTimeout(id, cmd, timeoutMs);
    }
    if (duration > 0) await this.clock.sleep(duration);
    const out = new CappedText(EXEC_OUTPUT_LIMIT);
    out.append(Buffer.from(r.output, 'utf8'));
    this.containerEvent(c, 'exec_die', { execID: execId, exitCode: String(r.exitCode) });
    return { exitCode: r.exitCode, output: out.text() };
  }

  async listNetworks(labels: Labels): Promise<NetworkSummary[]> {
    this.enter('listNetworks', 'cannot list networks', [labels]);
    return [...this.networks.values()].filter((n) => matches(n.labels, labels)).map((n) => ({ id: n.id, name: n.name, labels: { ...n.labels } }));
  }

  async createNetwork(name: string, labels: Labels): Promise<void> {
    const what = `cannot create network "${name}"`;
    this.enter('createNetwork', what, [name, labels]);
    if (this.networkByName(name)) throw engineError(what, 409, `network with name ${name} already exists`);
    const n = this.addNetwork(name, labels, false);
    this.emit({ Type: 'network', Action: 'create', Actor: { ID: n.id, Attributes: { name, type: 'bridge' } } });
  }

  async removeNetwork(name: string): Promise<void> {
    const what = `cannot remove network "${name}"`;
    this.enter('removeNetwork', what, [name]);
    const n = this.findNetwork(name);
    if (!n) return;
    if (n.predefined) throw engineError(what, 403, `${n.name} is a pre-defined network and cannot be removed`);
    const active = [...this.containers.values()].some((c) => c.state === 'running' && c.endpoints.has(n.name));
    if (active) throw engineError(what, 403, `error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    this.networks.delete(n.id);
    this.emit({ Type: 'network', Action: 'destroy', Actor: { ID: n.id, Attributes: { name: n.name, type: 'bridge' } } });
  }

  async connectNetwork(network: string, container: string, aliases: string[]): Promise<void> {
    const what = `cannot connect container "${container}" to network "${network}"`;
    this.enter('connectNetwork', what, [network, container, aliases]);
    const c = this.get(container, what);
    if (c.spec.network.type !== 'network') {
      throw engineError(what, 400, 'container sharing network namespace with another container or host cannot be connected to any other network');
    }
    const n = this.findNetwork(network);
    if (!n) {
      if (c.state === 'running') throw engineError(what, 404, `network ${network} not found`);
      // A stopped container only records the endpoint config; its start then fails.
      c.endpoints.set(network, { network, aliases: [...aliases], ip: '' });
      return;
    }
    if (c.endpoints.has(n.name)) throw engineError(what, 403, `endpoint with name ${c.name} already exists in network ${n.name}`);
    const ep: Endpoint = { network: n.name, aliases: [...aliases], ip: '' };
    c.endpoints.set(n.name, ep);
    if (c.state === 'running') {
      ep.ip = this.allocateIp(n);
      this.emit({ Type: 'network', Action: 'connect', Actor: { ID: n.id, Attributes: { container: c.id, name: n.name, type: 'bridge' } } });
    }
  }

  async disconnectNetwork(network: string, container: string): Promise<void> {
    const what = `cannot disconnect container "${container}" from network "${network}"`;
    this.enter('disconnectNetwork', what, [network, container]);
    const c = this.get(container, what);
    const n = this.findNetwork(network);
    if (!n) throw engineError(what, 404, `network ${network} not found`);
    const ep = c.endpoints.get(n.name);
    if (!ep) return; // "container ... is not connected to network ...": the adapter tolerates it
    c.endpoints.delete(n.name);
    if (c.state === 'running') {
      this.emit({ Type: 'network', Action: 'disconnect', Actor: { ID: n.id, Attributes: { container: c.id, name: n.name, type: 'bridge' } } });
    }
  }

  async listVolumes(labels: Labels): Promise<VolumeSummary[]> {
    this.enter('listVolumes', 'cannot list volumes', [labels]);
    return [...this.volumes.values()]
      .filter((v) => matches(v.labels, labels))
      .map((v) => ({ name: v.name, labels: { ...v.labels }, mountpoint: `/var/lib/docker/volumes/${v.name}/_data` }));
  }

  async createVolume(name: string, labels: Labels): Promise<void> {
    const what = `cannot create volume "${name}"`;
    this.enter('createVolume', what, [name, labels]);
    if (name.length < 2) throw engineError(what, 400, `create ${name}: volume name is too short, names should be at least two alphanumeric characters`);
    if (!VOLUME_RE.test(name)) {
      throw engineError(
        what,
        400,
        `create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
      );
    }
    if (this.volumes.has(name)) return; // Docker answers with the existing volume; labels stay
    this.makeVolume(name, labels);
  }

  async removeVolume(name: string): Promise<void> {
    const what = `cannot remove volume "${name}"`;
    this.enter('removeVolume', what, [name]);
    if (!this.volumes.has(name)) return;
    const users = [...this.containers.values()].filter(
      (c) => c.spec.mounts.some((m) => m.type === 'volume' && m.source === name) || c.anonymousVolumes.includes(name),
    );
    if (users.length > 0) throw engineError(what, 409, `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
    this.dropVolume(name);
  }

  async hasImage(ref: string): Promise<boolean> {
    this.enter('hasImage', `cannot inspect image "${ref}"`, [ref]);
    return this.images.has(normalizeImageRef(ref));
  }

  async imageUser(ref: string): Promise<string> {
    const what = `cannot inspect image "${ref}"`;
    this.enter('imageUser', what, [ref]);
    if (!this.images.has(normalizeImageRef(ref))) throw engineError(what, 404, `No such image: ${ref}`);
    return this.imageUsers.get(normalizeImageRef(ref)) ?? '';
  }

  async pullImage(ref: string, onProgress?: (p: PullProgress) => void): Promise<void> {
    const what = `cannot pull image "${ref}"`;
    this.enter('pullImage', what, [ref]);
    const image = normalizeImageRef(ref);
    const labels = this.registry.get(image);
    if (!labels) {
      const repo = image.includes('@') ? image.slice(0, image.indexOf('@')) : image.slice(0, image.lastIndexOf(':'));
      const known = [...this.registry.keys()].some((r) => r.startsWith(`${repo}:`) || r.startsWith(`${repo}@`));
      const reason = known
        ? `manifest for ${image} not found: manifest unknown: manifest unknown`
        : `pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`;
      throw new BerthError('E_PULL', `${what}: ${reason}`, PULL_HINT);
    }
    const tag = image.includes('@') ? image.slice(image.indexOf('@') + 1) : image.slice(image.lastIndexOf(':') + 1);
    const digest = createHash('sha256').update(`fake-image:${image}`).digest('hex');
    onProgress?.({ status: `Pulling from ${image.slice(0, image.length - tag.length - 1)}`, id: tag });
    onProgress?.({ status: 'Pull complete', id: digest.slice(0, 12) });
    onProgress?.({ status: `Digest: sha256:${digest}` });
    onProgress?.({ status: `Status: ${this.images.has(image) ? 'Image is up to date' : 'Downloaded newer image'} for ${image}` });
    this.images.set(image, { ...labels });
    this.emit({ Type: 'image', Action: 'pull', Actor: { ID: image, Attributes: { ...labels, name: image } } });
  }

  async pastEvents(labels: Labels, sinceSeconds: number): Promise<EngineEvent[]> {
    this.enter('pastEvents', 'cannot read past engine events', [labels, sinceSeconds]);
    return this.eventLog
      .filter((raw) => (raw.time ?? 0) >= Math.floor(sinceSeconds) && matches(raw.Actor?.Attributes ?? {}, labels))
      .map((raw) => toEngineEvent(raw))
      .filter((e): e is EngineEvent => e !== undefined);
  }

  subscribe(labels: Labels, onEvent: (e: EngineEvent) => void, onError?: (err: Error) => void): Subscription {
    const sub: FakeSubscription = { labels: { ...labels }, onEvent, onError, closed: false };
    this.calls.subscribe++;
    this.history.push({ method: 'subscribe', args: [labels] });
    const what = 'cannot subscribe to engine events';
    const list = this.injected.get('subscribe');
    let failure: Error | undefined;
    if (list && list.length > 0) failure = list.shift() ?? engineError(what, 500, 'injected failure');
    else if (this.down) failure = unreachable(what);
    if (failure) {
      const err = failure;
      sub.closed = true;
      queueMicrotask(() => onError?.(err));
    } else {
      this.subscriptions.push(sub);
    }
    return {
      close: () => {
        sub.closed = true;
        const i = this.subscriptions.indexOf(sub);
        if (i >= 0) this.subscriptions.splice(i, 1);
      },
    };
  }

  // ---- internals ----

  private enter(method: RuntimeMethod, what: string, args: unknown[]): void {
    this.calls[method]++;
    this.history.push({ method, args });
    const list = this.injected.get(method);
    if (list && list.length > 0) {
      const err = list.shift();
      throw err ?? engineError(what, 500, 'injected failure');
    }
    if (this.down) throw unreachable(what);
  }

  /** Docker's lookup: full id, then name, then a unique id prefix. */
  private find(ref: string): FakeContainer | undefined {
    const exact = this.containers.get(ref);
    if (exact) return exact;
    const name = ref.replace(/^\//, '');
    const all = [...this.containers.values()];
    const byName = all.find((c) => c.name === name);
    if (byName) return byName;
    const prefixed = ref.length > 0 ? all.filter((c) => c.id.startsWith(ref)) : [];
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  private get(ref: string, what: string): FakeContainer {
    const c = this.find(ref);
    if (!c) throw engineError(what, 404, `No such container: ${ref}`);
    return c;
  }

  private networkByName(name: string): FakeNetwork | undefined {
    return [...this.networks.values()].find((n) => n.name === name);
  }

  private findNetwork(ref: string): FakeNetwork | undefined {
    const exact = this.networks.get(ref) ?? this.networkByName(ref);
    if (exact) return exact;
    const prefixed = ref.length > 0 ? [...this.networks.values()].filter((n) => n.id.startsWith(ref)) : [];
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  private addNetwork(name: string, labels: Labels, predefined: boolean): FakeNetwork {
    const id = createHash('sha256').update(`fake-network:${this.seq++}:${name}`).digest('hex');
    const n: FakeNetwork = { id, name, labels: { ...labels }, predefined, subnet: this.nextSubnet++ % 256, hosts: 0 };
    this.networks.set(id, n);
    return n;
  }

  private allocateIp(n: FakeNetwork): string {
    const h = n.hosts++ % (254 * 256);
    return `10.${n.subnet}.${Math.floor(h / 254)}.${(h % 254) + 1}`;
  }

  private makeVolume(name: string, labels: Labels): void {
    this.volumes.set(name, { name, labels: { ...labels } });
    this.emit({ Type: 'volume', Action: 'create', Actor: { ID: name, Attributes: { driver: 'local' } } });
  }

  private dropVolume(name: string): void {
    if (!this.volumes.delete(name)) return;
    this.emit({ Type: 'volume', Action: 'destroy', Actor: { ID: name, Attributes: { driver: 'local' } } });
  }

  /** `docker start`/`docker restart`: clears "manually stopped" and resets the restart manager. */
  private manualStart(c: FakeContainer, what: string): void {
    c.restartTimer?.cancel();
    c.restartTimer = undefined;
    c.restartCount = 0;
    c.backoffMs = 0;
    c.manuallyStopped = false;
    this.run(c, what);
  }

  /** Starts the process, or throws (state unchanged, exit code and error recorded) like the engine. */
  private run(c: FakeContainer, what: string): void {
    const fail = (status: number, message: string, exitCode = 128): never => {
      c.exitCode = exitCode;
      c.error = message;
      throw engineError(what, status, message);
    };
    const n = c.spec.network;
    if (n.type === 'container') {
      const target = this.find(n.container);
      if (!target) fail(404, `No such container: ${n.container}`);
      else if (target.state !== 'running') fail(409, `cannot join network of a non running container: ${target.id}`);
    }
    const joined: Array<[Endpoint, FakeNetwork]> = [];
    for (const ep of c.endpoints.values()) {
      const net = this.networkByName(ep.network);
      if (!net) fail(404, `network ${ep.network} not found`);
      else joined.push([ep, net]);
    }
    for (const p of c.spec.ports) {
      if (p.hostPort <= 0) continue;
      const clash = [...this.containers.values()].some(
        (o) =>
          o !== c &&
          o.state === 'running' &&
          o.spec.ports.some(
            (q) =>
              q.hostPort === p.hostPort &&
              q.protocol === p.protocol &&
              (!q.hostIp || !p.hostIp || q.hostIp === '0.0.0.0' || p.hostIp === '0.0.0.0' || q.hostIp === p.hostIp),
          ),
      );
      if (clash) {
        const endpoint = createHash('sha256').update(`fake-endpoint:${c.id}`).digest('hex');
        fail(
          500,
          `driver failed programming external connectivity on endpoint ${c.name} (${endpoint}): Bind for ${p.hostIp || '0.0.0.0'}:${p.hostPort} failed: port is already allocated`,
        );
      }
    }
    if (c.behaviour.startError !== undefined) {
      fail(
        400,
        `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${c.behaviour.startError}: unknown`,
        127,
      );
    }
    c.state = 'running';
    c.starts++;
    c.pid = this.nextPid++;
    c.startedMs = this.clock.now();
    c.exitCode = 0;
    c.error = '';
    c.oomKilled = false;
    c.termSent = false;
    for (const [ep, net] of joined) {
      if (net.predefined && net.name !== 'bridge') continue; // host, none: no address
      ep.ip = this.allocateIp(net);
      this.emit({ Type: 'network', Action: 'connect', Actor: { ID: net.id, Attributes: { container: c.id, name: net.name, type: 'bridge' } } });
    }
    this.containerEvent(c, 'start');
    const output = perStart(c.behaviour.output, c.starts);
    if (output) this.appendLog(c, output);
    this.scheduleOwnExit(c);
  }

  /** Text the process wrote: whole lines get the clock's time and go to the followers. */
  private appendLog(c: FakeContainer, text: string): void {
    c.logs += text;
    const parts = (c.logPartial + text).split('\n');
    c.logPartial = parts.pop() ?? '';
    const time = new Date(this.clock.now()).toISOString();
    for (const t of parts) {
      const line: LogLine = { stream: 'stdout', time, text: t };
      c.logLines.push(line);
      for (const f of c.logFollowers) queueMicrotask(() => f.onLine(line));
    }
  }

  /** The engine ends follow streams when the container stops; a restart opens no new one. */
  private endLogFollowers(c: FakeContainer): void {
    const followers = [...c.logFollowers];
    c.logFollowers.clear();
    for (const f of followers) queueMicrotask(() => f.end());
  }

  private scheduleOwnExit(c: FakeContainer): void {
    const b = c.behaviour;
    const after = perStart(b.exitAfterMs, c.starts);
    if (after === undefined) return;
    const code = perStart(b.exitCode, c.starts) ?? (b.oomKilled ? 137 : 0);
    c.exitTimer = this.clock.setTimeout(() => {
      c.exitTimer = undefined;
      this.processExit(c, code, b.oomKilled ?? false);
    }, after);
  }

  /** SIGTERM, SIGKILL after the timeout; resolves when the container has stopped. */
  private stop(c: FakeContainer, timeoutSeconds: number): Promise<void> {
    if (c.state === 'restarting') {
      c.restartTimer?.cancel();
      c.restartTimer = undefined;
      c.state = 'exited';
      c.manuallyStopped = true;
      this.containerEvent(c, 'stop');
      return Promise.resolve();
    }
    if (c.state !== 'running') return Promise.resolve(); // 304: not running
    c.manuallyStopped = true;
    c.stopRequested = true;
    const stopped = new Promise<void>((resolve) => c.stopWaiters.push(resolve));
    this.containerEvent(c, 'kill', { signal: '15' });
    if (!c.termSent) {
      c.termSent = true;
      const b = c.behaviour;
      if (!b.ignoresSigterm) {
        const code = b.sigtermExitCode ?? 143;
        const delay = b.shutdownMs ?? 0;
        if (delay <= 0) this.processExit(c, code, false);
        else c.termTimer = this.clock.setTimeout(() => this.processExit(c, code, false), delay);
      }
    }
    if (c.state === 'running' && timeoutSeconds >= 0) {
      c.killTimers.push(
        this.clock.setTimeout(() => {
          if (c.state !== 'running') return;
          this.containerEvent(c, 'kill', { signal: '9' });
          this.processExit(c, 137, false);
        }, timeoutSeconds * 1000),
      );
    }
    return stopped;
  }

  /** The process ended (on its own, SIGTERM, SIGKILL): die, stop waiters, restart policy. */
  private processExit(c: FakeContainer, exitCode: number, oomKilled: boolean): void {
    if (c.state !== 'running') return;
    c.exitTimer?.cancel();
    c.termTimer?.cancel();
    for (const t of c.killTimers) t.cancel();
    c.exitTimer = c.termTimer = undefined;
    c.killTimers = [];
    c.termSent = false;
    c.state = 'exited';
    c.exitCode = exitCode;
    c.oomKilled = oomKilled;
    c.finishedMs = this.clock.now();
    c.pid = 0;
    this.containerEvent(c, 'die', { exitCode: String(exitCode) });
    for (const ep of c.endpoints.values()) {
      if (!ep.ip) continue;
      ep.ip = '';
      const net = this.networkByName(ep.network);
      if (net) this.emit({ Type: 'network', Action: 'disconnect', Actor: { ID: net.id, Attributes: { container: c.id, name: net.name, type: 'bridge' } } });
    }
    const waiters = c.stopWaiters.splice(0);
    if (c.stopRequested) {
      c.stopRequested = false;
      this.containerEvent(c, 'stop');
    }
    for (const w of waiters) w();
    this.endLogFollowers(c);
    if (!c.manuallyStopped && !c.removed && this.policyRestarts(c.spec.restartPolicy, exitCode)) this.scheduleRestart(c);
  }

  private policyRestarts(policy: ContainerCreateSpec['restartPolicy'], exitCode: number): boolean {
    return policy === 'always' || policy === 'unless-stopped' || (policy === 'on-failure' && exitCode !== 0);
  }

  /** Docker's restart manager: 100 ms, doubling up to a minute, reset after 10 s of running. */
  private scheduleRestart(c: FakeContainer): void {
    if ((c.finishedMs ?? 0) - (c.startedMs ?? 0) >= 10_000) c.backoffMs = 0;
    c.backoffMs = c.backoffMs === 0 ? RESTART_BACKOFF_MS : Math.min(c.backoffMs * 2, RESTART_BACKOFF_MAX_MS);
    c.state = 'restarting';
    c.restartCount++;
    c.restartTimer = this.clock.setTimeout(() => {
      c.restartTimer = undefined;
      if (c.state !== 'restarting' || c.removed) return;
      try {
        this.run(c, `restart of container "${c.name}" by its policy`);
      } catch {
        c.state = 'exited'; // the engine records the failure on the container and gives up
      }
    }, c.backoffMs);
  }

  private containerEvent(c: FakeContainer, action: string, extra: Record<string, string> = {}): void {
    this.emit({ Type: 'container', Action: action, Actor: { ID: c.id, Attributes: { ...c.labels, image: c.spec.image, name: c.name, ...extra } } });
  }

  /** Docker's `label` event filter matches the actor's attributes; delivery is asynchronous, in order. */
  private emit(raw: ApiEvent): void {
    const now = this.clock.now();
    raw.time = Math.floor(now / 1000);
    raw.timeNano = now * 1_000_000;
    this.eventLog.push(raw);
    if (this.eventLog.length > EVENTS_KEPT) this.eventLog.shift();
    const attributes = raw.Actor?.Attributes ?? {};
    for (const s of this.subscriptions) {
      if (s.closed || !matches(attributes, s.labels)) continue;
      const e = toEngineEvent(raw);
      if (!e) continue;
      queueMicrotask(() => {
        if (!s.closed) s.onEvent(e);
      });
    }
  }

  private wireNetworks(c: FakeContainer, withAliases: boolean): ApiNetworks {
    const out: ApiNetworks = {};
    for (const ep of c.endpoints.values()) out[ep.network] = { IPAddress: ep.ip, Aliases: withAliases ? [...ep.aliases] : null };
    return out;
  }

  private listStatus(c: FakeContainer): string {
    const now = this.clock.now();
    switch (c.state) {
      case 'running':
        return `Up ${humanDuration(now - (c.startedMs ?? now))}`;
      case 'restarting':
        return `Restarting (${c.exitCode}) ${humanDuration(now - (c.finishedMs ?? now))} ago`;
      case 'exited':
        return `Exited (${c.exitCode}) ${humanDuration(now - (c.finishedMs ?? now))} ago`;
      case 'created':
        return 'Created';
    }
  }

  /** `GET /containers/json` item; Engine 20.10 lists `Aliases: null`. */
  private listWire(c: FakeContainer): ApiContainerListItem {
    return {
      Id: c.id,
      Names: [`/${c.name}`],
      Image: c.spec.image,
      Labels: { ...c.labels },
      State: c.state,
      Status: this.listStatus(c),
      Created: Math.floor(c.createdMs / 1000),
      NetworkSettings: { Networks: this.wireNetworks(c, false) },
    };
  }

  /** `GET /containers/{id}/json`. */
  private inspectWire(c: FakeContainer): ApiContainerInspect {
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Created: iso(c.createdMs),
      RestartCount: c.restartCount,
      Config: { Image: c.spec.image, Labels: { ...c.labels }, Tty: c.spec.tty },
      State: {
        Status: c.state,
        ExitCode: c.exitCode,
        OOMKilled: c.oomKilled,
        Error: c.error,
        StartedAt: iso(c.startedMs),
        FinishedAt: iso(c.finishedMs),
        Pid: c.pid,
      },
      NetworkSettings: { Networks: this.wireNetworks(c, true) },
    };
  }
}
