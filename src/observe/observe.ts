/** The one I/O step of this module: three list calls, then pure grouping. */
import { BerthError, compareText, isBerthError, messageOf } from '../util';
import { LABEL, type Runtime } from '../runtime';
import { groupPods } from './group';
import type { ObservedState } from './types';

/**
 * What the engine runs for `instance`: containers, networks and volumes carrying
 * `io.berth.managed=true` and `io.berth.instance=<instance>`. Exactly three list calls, no
 * inspect, so a no-op pass stays cheap however many pods there are.
 */
export async function observe(runtime: Runtime, instance: string): Promise<ObservedState> {
  const filter = { [LABEL.managed]: 'true', [LABEL.instance]: instance };
  try {
    const [containers, networks, volumes] = await Promise.all([runtime.listContainers(filter), runtime.listNetworks(filter), runtime.listVolumes(filter)]);
    const byName = <T extends { name: string }>(a: T, b: T) => compareText(a.name, b.name);
    return { networks: [...networks].sort(byName), volumes: [...volumes].sort(byName), pods: groupPods(containers) };
  } catch (err) {
    const code = isBerthError(err) ? err.code : 'E_ENGINE';
    const hint = isBerthError(err) ? err.hint : undefined;
    throw new BerthError(code, `observing instance "${instance}": ${messageOf(err)}`, hint, { cause: err });
  }
}
