/**
 * Pure helpers for assertions about an applied engine: pod names and container ids in a
 * comparable shape, one line per action, addresses of a DNS answer, and a runtime that
 * counts its calls.
 */
import type { ObservedPod } from '../../../src/observe/types';
import type { Action } from '../../../src/plan/types';

/** Pod names, sorted: the shape most assertions compare. */
export function names(pods: readonly ObservedPod[]): string[] {
  return pods.map((p) => p.name).sort();
}

/** Container ids of pods, sorted: "nothing was recreated" compares two of these. */
export function ids(pods: readonly ObservedPod[]): string[] {
  return pods.flatMap((p) => [...p.containers, ...(p.infra ? [p.infra] : [])].map((c) => c.id)).sort();
}

/**
 * `runtime` with every method call counted by name (calls the runtime makes on itself, such
 * as an inspect inside a list, included).
 */
export function countingRuntime<R extends object>(runtime: R): { runtime: R; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(runtime, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return function (this: unknown, ...args: unknown[]) {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(this, args);
      };
    },
  });
  return { runtime: proxy, calls };
}

export function actionSummary(actions: readonly Action[]): string[] {
  return actions.map((a) => `${a.type} ${'pod' in a ? a.pod : 'name' in a ? a.name : a.key}`);
}

/** The addresses of a busybox `nslookup` answer (the server's own address left out), sorted. */
export function addressesOf(nslookup: string): string[] {
  const answer = nslookup
    .split(/Non-authoritative answer:|Name:/)
    .slice(1)
    .join('\n');
  return [...answer.matchAll(/Address:\s*([0-9.]+)\s*$/gm)].map((m) => m[1]).sort();
}
