/**
 * A container's environment, resolved as kubelet does: `envFrom` sources in order, then
 * `env` entries in order (later definitions win); `$(VAR)` in `value`s refers to variables
 * defined before it. Values that come from a Secret (directly, via envFrom, or by expanding
 * a secret variable) are marked so nothing ever prints them.
 */
import type { Container, EnvVar } from '../model';
import { expandVars } from './expansion';
import { decodeBase64, type ConfigLookup } from './lookup';
import type { DesiredPod, PlanContext } from './types';
import { resourceValue } from './downward';
import type { Warnings } from './warnings';

export interface EnvValue {
  value: string;
  secret: boolean;
}

export interface ResolvedEnv {
  /** In definition order; a redefinition keeps the first position. */
  vars: Map<string, EnvValue>;
  /** `KEY=value` for ContainerCreateSpec.env */
  env: string[];
  /** Names whose value came from a Secret. */
  secretEnv: string[];
}

/** `node`: this host's CPUs and memory, what a resourceFieldRef of an unset limit gives (downward.ts). */
export function resolveEnv(c: Container, pod: DesiredPod, lookup: ConfigLookup, warnings: Warnings, node?: PlanContext['node']): ResolvedEnv {
  const vars = new Map<string, EnvValue>();
  const where = `${pod.key}: container ${c.name}`;
  for (const src of c.envFrom) addEnvFrom(vars, src, pod.namespace, lookup, (m) => warnings.add(`${where}: ${m}`));
  for (const e of c.env) {
    const warn = (m: string) => warnings.add(`${where}: env ${e.name}: ${m}`);
    const ref = e.valueFrom?.resourceFieldRef;
    const resolved = ref ? { value: resourceValue(ref, pod, c, node, warn), secret: false } : resolveOne(e, pod, vars, lookup, warn);
    if (resolved) vars.set(e.name, resolved);
  }
  // Kubernetes appends it to every container of an Indexed Job's pod.
  if (pod.completionIndex !== undefined && !vars.has('JOB_COMPLETION_INDEX'))
    vars.set('JOB_COMPLETION_INDEX', { value: String(pod.completionIndex), secret: false });
  const env: string[] = [];
  const secretEnv: string[] = [];
  for (const [name, v] of vars) {
    env.push(`${name}=${v.value}`);
    if (v.secret) secretEnv.push(name);
  }
  return { vars, env, secretEnv };
}

/** `$(VAR)` expansion of command/args against the container's final environment. */
export function expandArgs(args: readonly string[] | undefined, vars: ReadonlyMap<string, EnvValue>): string[] | undefined {
  if (!args) return undefined;
  return args.map((a) => expandVars(a, (n) => vars.get(n)?.value).value);
}

function addEnvFrom(vars: Map<string, EnvValue>, src: Container['envFrom'][number], ns: string, lookup: ConfigLookup, warn: (m: string) => void): void {
  let data: Record<string, string> | undefined;
  let secret = false;
  let label = '';
  if (src.configMapRef) {
    label = `ConfigMap ${ns}/${src.configMapRef.name}`;
    data = lookup.configMap(ns, src.configMapRef.name)?.data;
    if (!data && !src.configMapRef.optional) warn(`envFrom: ${label} not found; skipped`);
  } else if (src.secretRef) {
    secret = true;
    label = `Secret ${ns}/${src.secretRef.name}`;
    const s = lookup.secret(ns, src.secretRef.name);
    if (s) data = Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, decodeBase64(v)]));
    else if (!src.secretRef.optional) warn(`envFrom: ${label} not found; skipped`);
  }
  if (!data) return;
  for (const key of Object.keys(data).sort()) {
    const name = `${src.prefix}${key}`;
    if (!isEnvName(name)) {
      warn(`envFrom: key "${key}" of ${label} is not a valid variable name; skipped`);
      continue;
    }
    vars.set(name, { value: data[key], secret });
  }
}

function resolveOne(e: EnvVar, pod: DesiredPod, vars: ReadonlyMap<string, EnvValue>, lookup: ConfigLookup, warn: (m: string) => void): EnvValue | undefined {
  const from = e.valueFrom;
  if (from?.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const value = lookup.configMap(pod.namespace, ref.name)?.data[ref.key];
    if (value === undefined && !ref.optional) warn(`key ${ref.key} of ConfigMap ${pod.namespace}/${ref.name} not found; unset`);
    return value === undefined ? undefined : { value, secret: false };
  }
  if (from?.secretKeyRef) {
    const ref = from.secretKeyRef;
    const raw = lookup.secret(pod.namespace, ref.name)?.data[ref.key];
    if (raw === undefined && !ref.optional) warn(`key ${ref.key} of Secret ${pod.namespace}/${ref.name} not found; unset`);
    return raw === undefined ? undefined : { value: decodeBase64(raw), secret: true };
  }
  if (from?.fieldRef) return { value: fieldValue(from.fieldRef.fieldPath, pod, warn), secret: false };
  const expanded = expandVars(e.value ?? '', (n) => vars.get(n)?.value);
  return { value: expanded.value, secret: expanded.used.some((n) => vars.get(n)?.secret === true) };
}

// status.podIP and friends: the container's address is given by the engine when it starts,
// after the plan is made, so they cannot be resolved here; the variable is set to ''.
const RUNTIME_FIELDS = new Set(['status.podIP', 'status.podIPs', 'status.hostIP', 'status.hostIPs', 'spec.nodeName', 'metadata.uid']);

export function fieldValue(path: string, pod: DesiredPod, warn: (m: string) => void): string {
  if (path === 'metadata.name') return pod.name;
  if (path === 'metadata.namespace') return pod.namespace;
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.labels : pod.annotations)[m[2]] ?? '';
  if (RUNTIME_FIELDS.has(path)) warn(`fieldRef ${path} is not known before the pod starts; set to ''`);
  else warn(`fieldRef ${path} is not supported; set to ''`);
  return '';
}

/** Kubernetes' (non-relaxed) rule for environment variable names. */
function isEnvName(name: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name);
}
