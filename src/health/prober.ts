/**
 * Runs the readiness and liveness probes of every running container on their schedules and
 * remembers the verdicts. Call `tick` often (every few hundred ms); it only runs probes that
 * are due. Containers that disappear are forgotten.
 */
import type { ContainerPort, Probe } from '../model';
import type { Runtime } from '../runtime';
import { runProbe } from './probe';
import { inParallel } from '../util';
import { initialProbeState, probeDue, recordProbe, type ProbeState } from './tracker';

export interface ProbedContainer {
  id: string;
  running: boolean;
  /** How long it has been up since its last (re)start, from Docker's status text; undefined: unknown. */
  upForMs?: number;
  ip: string;
  ports: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}

export interface Readiness {
  ready: boolean;
  /** Since when (ms) the verdict has been `ready`, for minReadySeconds. */
  readySince?: number;
  lastError?: string;
}

interface Tracked {
  firstSeen: number;
  readiness?: ProbeState;
  liveness?: ProbeState;
  readySince?: number;
}

/**
 * Probes of different containers run at the same time, at most this many at once: an exec
 * probe is a `docker exec` (an engine call and a process in the container), so hundreds of
 * pods must not all be probed in the same instant.
 */
export const PROBE_CONCURRENCY = 16;

/** Without a readiness probe, a container counts as ready once it has been up this long. */
export const MIN_UP_MS = 1000;

/** "Up 5 seconds", "Up Less than a second", "Up About a minute", "Up 2 hours (Paused)" -> ms; undefined when not up. */
export function upForMs(status: string): number | undefined {
  const m = /^Up (Less than a second|About an? (\w+)|(\d+) (\w+?)s?\b)/.exec(status);
  if (!m) return undefined;
  if (m[1] === 'Less than a second') return 0;
  const unit = UNIT_MS[(m[2] ?? m[4]).replace(/s$/, '')] ?? 0;
  return (m[3] ? Number(m[3]) : 1) * unit;
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

export class Prober {
  private readonly tracked = new Map<string, Tracked>();
  /** Liveness restarts berth made, per container (Docker's RestartCount counts only its own). */
  private readonly restarts = new Map<string, number>();

  constructor(
    private readonly runtime: Runtime,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs the probes that are due. `onlyNew`: only containers never probed yet (a step of an
   * operator whose probe loop runs the rest on their periods, as kubelet's prober workers
   * run apart from its sync loop; a new pod still gets its first probe at once).
   */
  async tick(containers: readonly ProbedContainer[], opts: { onlyNew?: boolean } = {}): Promise<void> {
    const live = new Set(containers.filter((c) => c.running).map((c) => c.id));
    for (const id of this.tracked.keys()) if (!live.has(id)) this.tracked.delete(id);
    const known = new Set(containers.map((c) => c.id));
    for (const id of this.restarts.keys()) if (!known.has(id)) this.restarts.delete(id);
    await inParallel(
      containers.filter((c) => c.running && (!opts.onlyNew || !this.tracked.has(c.id))),
      PROBE_CONCURRENCY,
      (c) => this.probe(c),
    );
  }

  readiness(c: ProbedContainer): Readiness {
    if (!c.running) return { ready: false, lastError: 'container is not running' };
    const t = this.tracked.get(c.id);
    if (!c.readinessProbe) {
      // No probe: ready when it has stayed up a moment (Kubernetes says at once; a container
      // that exits at start would then look ready between two restarts).
      if (c.upForMs !== undefined && c.upForMs < MIN_UP_MS) return { ready: false, lastError: 'just started' };
      return { ready: true, readySince: t?.firstSeen ?? this.now() };
    }
    const s = t?.readiness;
    return {
      ready: !!s?.passing,
      readySince: s?.passing ? t?.readySince : undefined,
      lastError: s?.passing ? undefined : (s?.lastError ?? 'readiness probe has not passed yet'),
    };
  }

  /** true when the liveness probe has failed `failureThreshold` times in a row: restart it. */
  livenessFailed(id: string): boolean {
    const s = this.tracked.get(id)?.liveness;
    return s !== undefined && !s.passing;
  }

  /** After a restart the container is probed from scratch. */
  forget(id: string): void {
    this.tracked.delete(id);
  }

  restartsOf(id: string): number {
    return this.restarts.get(id) ?? 0;
  }

  /**
   * Kubelet's liveness rule: a container whose liveness probe failed failureThreshold times
   * in a row is restarted (SIGTERM, then SIGKILL after the grace period) and probed afresh.
   * Returns the ids restarted.
   */
  async restartFailing(containers: readonly ProbedContainer[], graceSeconds: (c: ProbedContainer) => number): Promise<string[]> {
    const failing = containers.filter((c) => c.running && this.livenessFailed(c.id));
    await Promise.all(
      failing.map(async (c) => {
        this.forget(c.id);
        this.restarts.set(c.id, this.restartsOf(c.id) + 1);
        await this.runtime.restartContainer(c.id, graceSeconds(c));
      }),
    );
    return failing.map((c) => c.id);
  }

  private async probe(c: ProbedContainer): Promise<void> {
    const now = this.now();
    let t = this.tracked.get(c.id);
    if (!t) {
      t = { firstSeen: now, readiness: c.readinessProbe && initialProbeState('readiness'), liveness: c.livenessProbe && initialProbeState('liveness') };
      this.tracked.set(c.id, t);
    }
    const target = { containerId: c.id, ip: c.ip, ports: c.ports };
    const jobs: Promise<void>[] = [];
    if (c.readinessProbe && t.readiness && probeDue(c.readinessProbe, t.readiness, t.firstSeen, now)) {
      const probe = c.readinessProbe;
      const entry = t;
      entry.readiness = { ...entry.readiness!, lastRunAt: now }; // not due again while running
      jobs.push(
        runProbe(this.runtime, probe, target).then((r) => {
          const before = entry.readiness!.passing;
          entry.readiness = recordProbe(probe, { ...entry.readiness!, lastRunAt: now }, r, now);
          if (!before && entry.readiness.passing) entry.readySince = this.now();
        }),
      );
    }
    if (c.livenessProbe && t.liveness && probeDue(c.livenessProbe, t.liveness, t.firstSeen, now)) {
      const probe = c.livenessProbe;
      const entry = t;
      entry.liveness = { ...entry.liveness!, lastRunAt: now };
      jobs.push(runProbe(this.runtime, probe, target).then((r) => void (entry.liveness = recordProbe(probe, entry.liveness!, r, now))));
    }
    await Promise.all(jobs);
  }
}
