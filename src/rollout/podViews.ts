/**
 * From observed pods to what health needs: running, ready (probes), restarts, exit codes.
 * Inspect is called only for pods that are not ready, so a converged pass stays at the
 * observe step's three list calls plus probes.
 */
import type { ObservedPod } from '../observe';
import type { DesiredPod } from '../plan';
import { networkName } from '../plan';
import { LABEL, type ContainerSummary, type Runtime } from '../runtime';
import { MIN_UP_MS, upForMs, type Prober, type ProbedContainer } from '../health';
import type { PodView } from '../health';
import { initView } from './initView';
import { resourceKey, type Container, type WorkloadKind } from '../model';

export interface PodContext {
  observed: ObservedPod;
  desired?: DesiredPod;
  probed: ProbedContainer[];
}

/** Pair each observed pod with its desired twin (same name and hash) and its probe targets. */
export function podContexts(instance: string, observed: readonly ObservedPod[], desired: readonly DesiredPod[]): PodContext[] {
  const byName = new Map(desired.map((d) => [`${d.namespace}/${d.name}`, d]));
  return observed.map((o) => {
    const twin = byName.get(`${o.namespace}/${o.name}`);
    const d = twin && twin.specHash === o.specHash ? twin : undefined;
    const endpoint = o.infra ?? o.containers[0];
    const ip = d?.spec.hostNetwork ? '127.0.0.1' : (endpoint?.networks[networkName(instance, o.namespace)] ?? '');
    const probed = o.containers.map((c): ProbedContainer => {
      const spec = d?.spec.containers.find((x) => x.name === containerLabel(c)) ?? ownProbes(c);
      return {
        id: c.id,
        running: c.state === 'running',
        upForMs: upForMs(c.status),
        ip,
        ports: spec?.ports ?? [],
        readinessProbe: spec?.readinessProbe,
        livenessProbe: spec?.livenessProbe,
      };
    });
    return { observed: o, desired: d, probed };
  });
}

/** `redact` blanks Secret values in what a reason quotes from logs (secretRedactor in src/secrets/redact.ts). */
export async function podViews(
  runtime: Runtime,
  prober: Prober,
  contexts: readonly PodContext[],
  redact: (text: string) => string,
  opts: { onlyNewProbes?: boolean } = {},
): Promise<PodView[]> {
  const probed = contexts.flatMap((c) => c.probed);
  await prober.tick(probed, { onlyNew: opts.onlyNewProbes });
  const grace = new Map(contexts.flatMap((c) => c.probed.map((p) => [p.id, c.desired?.spec.terminationGracePeriodSeconds ?? 30] as const)));
  await prober.restartFailing(probed, (p) => grace.get(p.id) ?? 30);
  return Promise.all(contexts.map((c) => view(runtime, prober, c, redact)));
}

async function view(runtime: Runtime, prober: Prober, c: PodContext, redact: (text: string) => string): Promise<PodView> {
  const o = c.observed;
  const readiness = c.probed.map((p) => prober.readiness(p));
  const ready = readiness.length > 0 && readiness.every((r) => r.ready);
  const base: PodView = {
    ownerKey: resourceKey({ kind: o.kind as WorkloadKind, meta: { namespace: o.namespace, name: o.owner } }),
    namespace: o.namespace,
    name: o.name,
    specHash: o.specHash,
    ...(o.ordinal !== undefined ? { ordinal: o.ordinal } : {}),
    running: o.containers.every((x) => x.state === 'running'),
    ready,
    readySince: ready ? Math.max(...readiness.map((r) => r.readySince ?? 0)) : undefined,
    restarts: Math.max(0, ...o.containers.map((x) => prober.restartsOf(x.id))),
  };
  if (ready) return base;
  const init = c.desired ? await initView(runtime, c.desired.spec, o, redact) : undefined;
  if (init)
    return {
      ...base,
      restarts: Math.max(base.restarts, init.restarts),
      reason: init.reason,
      ...(init.exitCode !== undefined ? { exitCode: init.exitCode } : {}),
    };
  let reason = readiness.find((r) => !r.ready)?.lastError;
  // Running and only just started (no probe yet, or not due): nothing an inspect would add.
  // Skipping it keeps a step after 50 creations from costing 50 inspects.
  if (c.probed.every((p) => p.running && p.upForMs !== undefined && p.upForMs < MIN_UP_MS)) return { ...base, reason: reason ?? 'just started' };
  // Not ready: find out why (restarts, exit code), from the engine.
  for (const s of o.containers) {
    const d = await runtime.inspectContainer(s.id).catch(() => undefined);
    if (!d) continue;
    base.restarts = Math.max(base.restarts, d.restartCount + prober.restartsOf(s.id));
    const exitedForGood = d.state === 'exited' && c.desired?.spec.restartPolicy !== 'Always';
    if (exitedForGood) base.exitCode = d.exitCode;
    if (d.state !== 'running' || d.restartCount > 0) {
      reason = `container ${containerLabel(s)} ${d.state}${d.exitCode ? `, exit code ${d.exitCode}` : ''}${d.oomKilled ? ', OOM-killed' : ''}${d.restartCount ? `, ${d.restartCount} restarts` : ''}`;
    }
  }
  return { ...base, reason };
}

/** The probes a container was created with (LABEL.probes), for a pod whose template is no longer declared. */
export function ownProbes(c: ContainerSummary): Pick<Container, 'ports' | 'readinessProbe' | 'livenessProbe'> | undefined {
  const text = c.labels[LABEL.probes];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Container>;
    return { ports: Array.isArray(v.ports) ? v.ports : [], readinessProbe: v.readinessProbe, livenessProbe: v.livenessProbe };
  } catch {
    return undefined;
  }
}

function containerLabel(c: ContainerSummary): string {
  return c.labels['io.berth.container'] ?? c.name;
}
