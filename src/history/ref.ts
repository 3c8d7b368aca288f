/** Naming a workload on the command line: `web`, `deployment/web`, `sts/db`; `-n`, `--kind`. Pure. */
import { BerthError, compareText } from '../util';
import type { DeploymentResource, DesiredState, StatefulSetResource } from '../model';
import { kindNamed, OBJECT_NAME, resourceKey } from '../model';
import { workloadKey, type RolloutKind, type WorkloadId, type WorkloadRef } from './types';

const ROLLOUT_KINDS: readonly RolloutKind[] = ['Deployment', 'StatefulSet'];

export function parseKind(text: string): RolloutKind {
  const kind = kindNamed(text, ROLLOUT_KINDS);
  if (!kind) throw new BerthError('E_USAGE', `unknown kind "${text}"`, 'use deployment or statefulset');
  return kind;
}

/** `NAME` or `KIND/NAME`, plus `--kind` and `-n`; a kind given twice must agree. */
export function parseWorkloadArg(arg: string, opts: { kind?: string; namespace?: string } = {}): WorkloadRef {
  const slash = arg.indexOf('/');
  const fromArg = slash >= 0 ? parseKind(arg.slice(0, slash)) : undefined;
  const name = slash >= 0 ? arg.slice(slash + 1) : arg;
  const fromOpt = opts.kind === undefined ? undefined : parseKind(opts.kind);
  if (fromArg && fromOpt && fromArg !== fromOpt) {
    throw new BerthError('E_USAGE', `"${arg}" names a ${fromArg} but --kind says ${fromOpt}`);
  }
  if (!OBJECT_NAME.test(name)) throw new BerthError('E_USAGE', `invalid workload name "${name}"`, 'lowercase letters, digits, "-" and "."');
  if (opts.namespace !== undefined && !OBJECT_NAME.test(opts.namespace)) throw new BerthError('E_USAGE', `invalid namespace "${opts.namespace}"`);
  const kind = fromArg ?? fromOpt;
  return { name, ...(kind ? { kind } : {}), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) };
}

export function describeRef(ref: WorkloadRef): string {
  return `${ref.kind ?? 'Deployment or StatefulSet'} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function describeId(id: WorkloadId): string {
  return `${id.kind} ${id.namespace}/${id.name}`;
}

export function refMatches(ref: WorkloadRef, id: WorkloadId): boolean {
  return id.name === ref.name && (!ref.kind || id.kind === ref.kind) && (!ref.namespace || id.namespace === ref.namespace);
}

/**
 * The one workload `ref` names among `candidates` (found in `where`: "on the engine",
 * "in the last 50 commits"). None or several is an error that says how to be precise.
 */
export function resolveWorkload(ref: WorkloadRef, candidates: readonly WorkloadId[], where: string): WorkloadId {
  const seen = new Map<string, WorkloadId>();
  for (const c of candidates) if (refMatches(ref, c)) seen.set(`${c.kind}/${c.namespace}/${c.name}`, c);
  const found = [...seen.values()].sort((a, b) => compareText(`${a.kind}/${a.namespace}`, `${b.kind}/${b.namespace}`));
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new BerthError('E_NOT_FOUND', `no ${describeRef(ref)} ${where}`);
  const list = found.map(describeId).join(', ');
  const kinds = new Set(found.map((f) => f.kind));
  const hint = kinds.size > 1 ? 'name the kind: deployment/NAME or statefulset/NAME' : 'name the namespace with -n';
  throw new BerthError('E_USAGE', `"${ref.name}" is ambiguous ${where}: ${list}`, hint);
}

export type Workload = DeploymentResource | StatefulSetResource;

/** The workload `id` names in a desired state, if it has one. */
export function findWorkload(d: DesiredState, id: WorkloadId): Workload | undefined {
  const key = workloadKey(id);
  return [...d.deployments, ...d.statefulSets].find((w) => resourceKey(w) === key);
}
