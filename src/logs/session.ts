/**
 * Reading the logs of a pod or a whole workload through the Runtime: every selected
 * container's lines, merged in time order (no follow) or as they arrive (follow). Following a
 * workload also follows its rollout, from the engine's events: a container that starts (a new
 * pod, or a restart) gets a stream from where its lines were left, a container removed ends
 * its stream. As `kubectl logs -l ... -f` / stern, following a workload lasts until close();
 * following one pod ends when its containers stop, as `kubectl logs -f POD` does.
 */
import { LABEL, type ContainerSummary, type EngineEvent, type Labels, type LogLine, type LogStream, type Runtime, type Subscription } from '../runtime';
import { BerthError, isBerthError } from '../util';
import { compareText, inParallel } from '../util';
import { mergeByTime, type PodLogLine } from './format';
import { resourceWord, selects, selectorLabels, type LogSelector } from './target';

export interface LogRequest extends LogSelector {
  instance: string;
  follow: boolean;
  /** Last N lines per container (as kubectl's --tail); undefined: all. */
  tail?: number;
  /** Only lines written at or after this unix time (seconds). */
  sinceSeconds?: number;
}

export interface ContainerRef {
  pod: string;
  container: string;
}

/** A line carries the commit its pod was applied from (`io.berth.revision`): its Secret values are the ones to hide. */
export type LogEvent =
  | ({ type: 'line'; line: LogLine; revision: string } & ContainerRef)
  | ({ type: 'started' } & ContainerRef)
  | ({ type: 'ended'; why: 'stopped' | 'gone' } & ContainerRef);

export interface LogSession {
  /** The containers selected when the session began (pod, then container name). */
  readonly selected: readonly ContainerRef[];
  /** Settles when nothing more will come; rejects when the engine fails. */
  readonly done: Promise<void>;
  close(): void;
}

/** Streams opened at once when reading without follow. */
const READ_CONCURRENCY = 8;

const refOf = (labels: Labels): ContainerRef => ({ pod: labels[LABEL.pod] ?? '', container: labels[LABEL.container] ?? '' });
const revisionOf = (labels: Labels): string => labels[LABEL.revision] ?? '';
const byRef = (a: ContainerSummary, b: ContainerSummary): number => {
  const x = refOf(a.labels);
  const y = refOf(b.labels);
  return compareText(x.pod, y.pod) || compareText(x.container, y.container);
};

/** Lists the selection (E_NOT_FOUND when empty) and starts reading; events go to `onEvent`. */
export async function openLogs(runtime: Runtime, req: LogRequest, onEvent: (e: LogEvent) => void): Promise<LogSession> {
  // Subscribing before listing: a container that starts in between is seen by one or the other.
  const follow = req.follow ? new Follower(runtime, req, onEvent) : undefined;
  const containers = (
    await runtime.listContainers(selectorLabels(req.instance, req.namespace)).catch((err: unknown) => {
      follow?.close();
      throw err;
    })
  )
    .filter((c) => selects(req, c.labels))
    .sort(byRef);
  if (containers.length === 0) {
    follow?.close();
    const what = req.container ? ` with a container "${req.container}"` : '';
    throw new BerthError('E_NOT_FOUND', `${resourceWord(req.target.kind)} "${req.target.name}"${what} not found in namespace "${req.namespace}"`);
  }
  const selected = containers.map((c) => refOf(c.labels));
  if (follow) {
    for (const c of containers) follow.open(c.id, c.labels, true);
    return { selected, done: follow.done, close: () => follow.close() };
  }
  const streams = new Set<LogStream>();
  const revisions = new Map(containers.map((c) => [refOf(c.labels).pod, revisionOf(c.labels)]));
  const done = readAll(runtime, req, containers, streams).then((lines) =>
    lines.forEach((l) => onEvent({ type: 'line', ...l, revision: revisions.get(l.pod) ?? '' })),
  );
  return { selected, done, close: () => streams.forEach((s) => s.close()) };
}

async function readAll(runtime: Runtime, req: LogRequest, containers: readonly ContainerSummary[], streams: Set<LogStream>): Promise<PodLogLine[]> {
  const batches: PodLogLine[][] = containers.map(() => []);
  await inParallel(
    containers.map((c, i) => ({ c, i })),
    READ_CONCURRENCY,
    async ({ c, i }) => {
      const ref = refOf(c.labels);
      const s = runtime.streamLogs(c.id, { follow: false, tail: req.tail, sinceSeconds: req.sinceSeconds }, (line) => batches[i].push({ ...ref, line }));
      streams.add(s);
      await s.done;
    },
  );
  return mergeByTime(batches);
}

interface Followed extends ContainerRef {
  revision: string;
  stream?: LogStream;
  /** Time of the last line given, and how many lines carried exactly that time (to skip them on reopening). */
  lastTime?: string;
  atLastTime: number;
  /** The container started again while its old stream had not ended yet: reopen when it does. */
  reopen?: boolean;
}

/** The follow mode: one stream per running container, reopened at each start, ended when removed. */
class Follower {
  readonly done: Promise<void>;
  private readonly followed = new Map<string, Followed>();
  private readonly events: Subscription;
  private settle!: (err?: unknown) => void;
  private closed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly req: LogRequest,
    private readonly onEvent: (e: LogEvent) => void,
  ) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = (err) => (err ? reject(err) : resolve())));
    this.events = runtime.subscribe(
      selectorLabels(req.instance, req.namespace),
      (e) => this.onEngineEvent(e),
      (err) => this.finish(err),
    );
  }

  /** Starts (or resumes) following a container; `initial`: from the request's tail and since. */
  open(id: string, labels: Labels, initial: boolean): void {
    if (this.closed) return;
    const f = this.followed.get(id) ?? { ...refOf(labels), revision: revisionOf(labels), atLastTime: 0 };
    this.followed.set(id, f);
    if (f.stream) {
      f.reopen = !initial;
      return;
    }
    const resume =
      f.lastTime !== undefined
        ? { sinceSeconds: Math.floor(Date.parse(f.lastTime) / 1000) }
        : initial
          ? { tail: this.req.tail, sinceSeconds: this.req.sinceSeconds }
          : {};
    let skip = f.lastTime !== undefined ? f.atLastTime : 0;
    const stream = this.runtime.streamLogs(id, { follow: true, ...resume }, (line) => {
      if (f.lastTime !== undefined && line.time < f.lastTime) return; // before the resume point
      if (line.time === f.lastTime && skip > 0) return void skip--; // given already
      f.atLastTime = line.time === f.lastTime ? f.atLastTime + 1 : 1;
      f.lastTime = line.time;
      skip = 0;
      this.onEvent({ type: 'line', pod: f.pod, container: f.container, revision: f.revision, line });
    });
    f.stream = stream;
    this.onEvent({ type: 'started', pod: f.pod, container: f.container });
    stream.done.then(
      () => this.streamEnded(id, f, stream, 'stopped'),
      (err: unknown) => (isBerthError(err, 'E_NOT_FOUND') ? this.streamEnded(id, f, stream, 'gone') : this.finish(err)),
    );
  }

  close(): void {
    this.finish();
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type !== 'container' || !selects(this.req, e.labels)) return;
    if (e.action === 'start') this.open(e.id, e.labels, false);
    if (e.action === 'destroy') {
      const f = this.followed.get(e.id);
      if (!f) return;
      this.followed.delete(e.id);
      f.stream?.close();
      if (f.stream) this.onEvent({ type: 'ended', pod: f.pod, container: f.container, why: 'gone' });
      f.stream = undefined;
      this.maybeDone();
    }
  }

  private streamEnded(id: string, f: Followed, stream: LogStream, why: 'stopped' | 'gone'): void {
    if (f.stream !== stream || this.closed) return;
    f.stream = undefined;
    if (why === 'gone') this.followed.delete(id);
    this.onEvent({ type: 'ended', pod: f.pod, container: f.container, why });
    if (f.reopen && why === 'stopped') {
      f.reopen = false;
      return this.open(id, {}, false);
    }
    this.maybeDone();
  }

  /** One pod: done once none of its containers streams (kubectl logs -f POD ends with the container). */
  private maybeDone(): void {
    if (this.req.target.kind === 'Pod' && [...this.followed.values()].every((f) => !f.stream)) this.finish();
  }

  private finish(err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.events.close();
    for (const f of this.followed.values()) f.stream?.close();
    this.settle(err);
  }
}
