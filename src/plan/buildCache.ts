/**
 * buildPod() once per pod of a desired state: a pass over a desired state that has not
 * changed (every pass between commits, every step of a rollout) reuses the pods built by the
 * one before, instead of building 500 create specs and their hashes again. A new revision is
 * a new DesiredState object, so the cache is keyed by the object (and forgotten with it) and
 * by the context's fields; within it, by pod name, which with the desired state determines
 * the desired pod (its template, ordinal, labels). Warnings a build gave are given again.
 */
import type { DesiredState } from '../model';
import { buildPod, type BuiltPod } from './build';
import type { ConfigLookup } from './lookup';
import type { DesiredPod, PlanContext } from './types';
import { Warnings } from './warnings';

interface Entry {
  specHash: string;
  built: BuiltPod;
  warnings: string[];
}

const byDesired = new WeakMap<DesiredState, { context: string; pods: Map<string, Entry> }>();
/** The context's text, once per context object (a plan asks for every pod with the same one). */
const contextText = new WeakMap<PlanContext, string>();

export function buildPodOnce(d: DesiredPod, desired: DesiredState, ctx: PlanContext, lookup: ConfigLookup, warnings: Warnings): BuiltPod {
  let context = contextText.get(ctx);
  if (context === undefined) contextText.set(ctx, (context = JSON.stringify(ctx)));
  let cache = byDesired.get(desired);
  if (!cache || cache.context !== context) byDesired.set(desired, (cache = { context, pods: new Map() }));
  const id = `${d.namespace}/${d.name}`;
  let entry = cache.pods.get(id);
  if (!entry || entry.specHash !== d.specHash) {
    const own = new Warnings();
    entry = { specHash: d.specHash, built: buildPod(d, desired.services, ctx, lookup, own), warnings: own.list() };
    cache.pods.set(id, entry);
  }
  for (const w of entry.warnings) warnings.add(w);
  return { ...entry.built, desired: d };
}
