/**
 * Samples the engine's stats of every app container of the pods the operator last saw, a
 * few at a time (one one-shot call each), and keeps per container the last sample and a
 * short history. Containers gone are forgotten; a container that vanished between the list
 * and its stats is skipped, not an error. Docker 20.10 answers a one-shot call after its
 * collector's next tick, about a second: at 500 containers, 4 at a time, a sweep takes about
 * two minutes, so `signal` ends one between calls (the operator stops). More at once would
 * make the figures fresher at the cost of a busier engine while it starts pods.
 */
import type { Look } from '../rollout';
import type { DesiredState } from '../model';
import { resourceKey } from '../model';
import { LABEL, type ContainerStats, type Runtime } from '../runtime';
import { compareText, inParallel } from '../util';
import { rates, type ContainerUsage } from './usage';

export interface SamplerOptions {
  /** Stats calls at once. */
  concurrency?: number;
  /** Samples kept per container for the graphs. */
  historyLength?: number;
}

/** Stats calls at once by default: each waits about a second on the engine. */
const DEFAULT_CONCURRENCY = 4;

/** A container to sample, with what its usage is reported under. */
interface Target {
  id: string;
  namespace: string;
  pod: string;
  container: string;
  workload: string;
}

type Limits = ReadonlyMap<string, { cpu?: number; memory?: number }>;

interface Tracked {
  last: ContainerStats;
  usage: ContainerUsage;
}

export class UsageSampler {
  private readonly tracked = new Map<string, Tracked>();

  constructor(
    private readonly runtime: Runtime,
    private readonly opts: SamplerOptions = {},
  ) {}

  /**
   * Not async on purpose: what the sweep needs is taken from `look` here, and the sweep's
   * frame does not hold the look. A sweep lasts minutes at 500 containers; holding it kept a
   * second desired and observed state alive all that time (about 4 MB at 500 pods).
   */
  sample(look: Look, signal?: AbortSignal): Promise<void> {
    const limits = limitsOf(look.desired);
    const restarts = new Map(look.views.map((v) => [`${v.namespace}/${v.name}`, v.restarts]));
    const targets = look.observed.pods.flatMap((p) =>
      p.containers.map((c): Target => ({
        id: c.id,
        namespace: p.namespace,
        pod: p.name,
        container: c.labels[LABEL.container] ?? c.name,
        workload: `${p.kind}/${p.namespace}/${p.owner}`,
      })),
    );
    const seen = new Set(targets.map((t) => t.id));
    for (const id of this.tracked.keys()) if (!seen.has(id)) this.tracked.delete(id);
    return this.sweep(targets, limits, restarts, signal);
  }

  private async sweep(targets: readonly Target[], limits: Limits, restarts: ReadonlyMap<string, number>, signal?: AbortSignal): Promise<void> {
    const keep = this.opts.historyLength ?? 60;
    await inParallel(targets, this.opts.concurrency ?? DEFAULT_CONCURRENCY, async (t) => {
      if (signal?.aborted) return;
      const cur = await this.runtime.stats(t.id).catch(() => undefined);
      if (!cur) return;
      const prev = this.tracked.get(t.id);
      const r = rates(prev?.last, cur);
      const limit = limits.get(`${t.workload}/${t.container}`);
      const history = prev?.usage.history ?? { cpu: [], memory: [] };
      const usage: ContainerUsage = {
        ...t,
        ...r,
        cpuSeconds: cur.cpuSeconds,
        memoryBytes: cur.memoryBytes,
        rxBytes: cur.rxBytes,
        txBytes: cur.txBytes,
        restarts: restarts.get(`${t.namespace}/${t.pod}`) ?? 0,
        ...(limit?.cpu !== undefined ? { cpuLimitCores: limit.cpu } : {}),
        ...(limit?.memory !== undefined ? { memoryLimitBytes: limit.memory } : {}),
        history: { cpu: [...history.cpu, r.cpuCores].slice(-keep), memory: [...history.memory, cur.memoryBytes].slice(-keep) },
      };
      this.tracked.set(t.id, { last: cur, usage });
    });
  }

  usage(): ContainerUsage[] {
    return [...this.tracked.values()]
      .map((t) => t.usage)
      .sort((a, b) => compareText(`${a.namespace}/${a.pod}/${a.container}`, `${b.namespace}/${b.pod}/${b.container}`));
  }
}

/** `Kind/ns/workload/container` -> the manifest's limits (cores, bytes). */
function limitsOf(desired: DesiredState): Map<string, { cpu?: number; memory?: number }> {
  const out = new Map<string, { cpu?: number; memory?: number }>();
  const add = (key: string, containers: DesiredState['pods'][number]['spec']['containers']) => {
    for (const c of containers) {
      const l = c.resources.limits;
      out.set(`${key}/${c.name}`, {
        ...(l.nanoCpus !== undefined ? { cpu: l.nanoCpus / 1e9 } : {}),
        ...(l.memoryBytes !== undefined ? { memory: l.memoryBytes } : {}),
      });
    }
  };
  for (const p of desired.pods) add(resourceKey(p), p.spec.containers);
  for (const w of [...desired.deployments, ...desired.statefulSets, ...desired.daemonSets]) add(resourceKey(w), w.template.spec.containers);
  return out;
}
