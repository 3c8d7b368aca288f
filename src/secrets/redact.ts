/**
 * Secret values never leave the planner unredacted: env vars listed in `secretEnv` print as
 * `(secret)`, any other string of a container spec (entrypoint, cmd, other env values) has
 * secret values replaced, and secret files keep their names but lose their contents.
 */
import type { ContainerCreateSpec } from '../runtime';
import type { DesiredState } from '../model';
import type { Action, Plan } from '../plan';

export const REDACTED = '(secret)';

/** Replaces each of `values` in a text with (secret), the longest first (so a value containing another goes whole). */
export function scrubber(values: readonly string[]): (text: string) => string {
  const longestFirst = values.filter((v) => v !== '').sort((a, b) => b.length - a.length);
  return (text) => longestFirst.reduce((acc, v) => acc.split(v).join(REDACTED), text);
}

export function redactContainer(spec: ContainerCreateSpec): ContainerCreateSpec {
  const secretNames = new Set(spec.secretEnv ?? []);
  if (secretNames.size === 0) return spec;
  const values: string[] = [];
  for (const e of spec.env) {
    const [name, value] = splitEnv(e);
    if (secretNames.has(name) && value !== '') values.push(value);
  }
  const scrub = scrubber(values);
  const out: ContainerCreateSpec = {
    ...spec,
    env: spec.env.map((e) => {
      const [name, value] = splitEnv(e);
      return `${name}=${secretNames.has(name) ? REDACTED : scrub(value)}`;
    }),
  };
  if (spec.entrypoint) out.entrypoint = spec.entrypoint.map(scrub);
  if (spec.cmd) out.cmd = spec.cmd.map(scrub);
  return out;
}

export function redactAction(a: Action): Action {
  switch (a.type) {
    case 'create-pod':
      return {
        ...a,
        containers: a.containers.map(redactContainer),
        ...(a.infra ? { infra: redactContainer(a.infra) } : {}),
        ...(a.init ? { init: a.init.map(redactContainer) } : {}),
      };
    case 'write-files':
      return a.secret ? { ...a, files: a.files.map((f) => ({ ...f, contentBase64: REDACTED })) } : a;
    default:
      return a;
  }
}

/** The plan as plain JSON-safe data with every secret redacted (for `-o json` and the API). */
export function planToJSON(plan: Plan): Plan {
  return JSON.parse(JSON.stringify({ actions: plan.actions.map(redactAction), warnings: plan.warnings })) as Plan;
}

export function splitEnv(entry: string): [string, string] {
  const i = entry.indexOf('=');
  return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
}

/** Replaces every Secret value of the desired state (decoded, 4+ characters) with (secret). */
export function secretRedactor(desired: DesiredState): (text: string) => string {
  const values = desired.secrets.flatMap((s) => Object.values(s.data).map((b64) => Buffer.from(b64, 'base64').toString('utf8')));
  // Shorter values would blank ordinary words of a log line.
  return scrubber(values.filter((v) => v.length >= 4));
}
