/**
 * Which services may be created or updated now (pure). Deployments and DaemonSets always:
 * the swarm paces their tasks. A StatefulSet's ordinals follow Kubernetes' order: with
 * OrderedReady, ordinal N is created only when 0..N-1 are healthy; an update goes one
 * ordinal at a time, highest first, and only while every other ordinal is healthy.
 */
import { LABEL, type SwarmService } from '../runtime';
import type { DesiredService } from './render';

export function ordinalsAllowed(
  want: readonly DesiredService[],
  observed: ReadonlyMap<string, SwarmService>,
  healthy: (d: DesiredService, o: SwarmService) => boolean,
): Set<string> {
  const allowed = new Set<string>();
  const sets = new Map<string, DesiredService[]>();
  for (const d of want) {
    if (d.kind !== 'StatefulSet' || d.ordinal === undefined) allowed.add(d.spec.Name);
    else sets.set(d.key, [...(sets.get(d.key) ?? []), d]);
  }
  for (const ordinals of sets.values()) {
    ordinals.sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0));
    const isHealthy = (d: DesiredService): boolean => {
      const o = observed.get(d.spec.Name);
      return o !== undefined && o.spec.Labels[LABEL.specHash] === d.specHash && healthy(d, o);
    };
    // Creation in order: the first missing ordinal, once all before it are healthy.
    const missing = ordinals.find((d) => !observed.has(d.spec.Name));
    if (missing) {
      if (ordinals.filter((d) => (d.ordinal ?? 0) < (missing.ordinal ?? 0)).every(isHealthy)) allowed.add(missing.spec.Name);
      continue;
    }
    // Update: the highest ordinal of an older spec, when all the others are healthy.
    const stale = [...ordinals].reverse().find((d) => observed.get(d.spec.Name)?.spec.Labels[LABEL.specHash] !== d.specHash);
    if (!stale) continue;
    const othersFine = ordinals
      .filter((d) => d !== stale)
      .every((d) => {
        const o = observed.get(d.spec.Name);
        // Judged against the spec it runs: a higher ordinal already updated, a lower one not yet.
        return o !== undefined && healthy({ ...d, specHash: o.spec.Labels[LABEL.specHash] ?? '' }, o);
      });
    if (othersFine) allowed.add(stale.spec.Name);
  }
  return allowed;
}
