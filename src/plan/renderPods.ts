/** The pod lines of renderPlan: one line per kind of change of a workload. */
import { LABEL, type ContainerCreateSpec } from '../runtime';
import type { Action, CreatePodAction, RemovePodAction, SetAliasesAction, StartPodAction } from './types';

const HASH_CHARS = 6;

export function renderPodGroup(who: string, actions: Action[]): string[] {
  const creates = actions.filter((a): a is CreatePodAction => a.type === 'create-pod');
  const removes = actions.filter((a): a is RemovePodAction => a.type === 'remove-pod');
  const starts = actions.filter((a): a is StartPodAction => a.type === 'start-pod');
  const aliases = actions.filter((a): a is SetAliasesAction => a.type === 'set-aliases');
  const c = (...reasons: string[]) => creates.filter((a) => reasons.includes(a.reason));
  const r = (...reasons: string[]) => removes.filter((a) => reasons.includes(a.reason));
  const lines: string[] = [];
  const fresh = c('new');
  if (fresh.length) lines.push(`+ ${who}: create ${count(fresh.length, 'pod')} (${imagesOf(fresh)})`);
  const replaced = { creates: c('replace', 'rollout'), removes: r('replace', 'superseded') };
  if (replaced.creates.length || replaced.removes.length) lines.push(`~ ${who}: ${replaceLine(replaced.creates, replaced.removes)}`);
  const added = c('added');
  if (added.length) lines.push(`~ ${who}: create ${count(added.length, 'pod')}: ${added.map((a) => a.pod).join(', ')}`);
  const repaired = r('repair');
  if (repaired.length) {
    lines.push(`~ ${who}: recreate ${count(repaired.length, 'pod')} changed by hand (${repaired.map((a) => `${a.pod}: ${a.detail ?? 'broken'}`).join('; ')})`);
  }
  const down = r('scaled-down');
  if (down.length) lines.push(`~ ${who}: remove ${count(down.length, 'pod')} (scaled down): ${down.map((a) => a.pod).join(', ')}`);
  const orphans = r('orphan');
  if (orphans.length) lines.push(`- ${who}: remove ${count(orphans.length, 'pod')} (no longer declared): ${orphans.map((a) => a.pod).join(', ')}`);
  if (starts.length) {
    const names = starts.flatMap((s) => s.containers.map((n) => `${s.pod}/${n}`));
    lines.push(`~ ${who}: start ${count(names.length, 'stopped container')} (${names.join(', ')})`);
  }
  if (aliases.length) lines.push(`~ ${who}: set aliases of ${count(aliases.length, 'pod')} (${aliasChanges(aliases)})`);
  return lines;
}

function imagesOf(creates: CreatePodAction[]): string {
  // A Service anchor has no app container: its infra container's image is what it runs.
  const images = [...new Set(creates.flatMap((a) => (a.containers.length ? a.containers : a.infra ? [a.infra] : []).map((x) => x.image)))];
  return `${images.length === 1 ? 'image' : 'images'} ${images.join(', ')}`;
}

function replaceLine(creates: CreatePodAction[], removes: RemovePodAction[]): string {
  const n = Math.max(creates.length, removes.length);
  const what = creates.length === removes.length || creates.length === 0 ? count(n, 'pod') : `${count(removes.length, 'pod')} with ${creates.length}`;
  const from = [...new Set(removes.map((a) => a.specHash.slice(0, HASH_CHARS)))].join(',') || '?';
  const to = creates[0]?.specHash.slice(0, HASH_CHARS) ?? '?';
  return `replace ${what} (template ${from} -> ${to}: ${templateChanges(creates[0], removes[0])})`;
}

/** What the pair knows: observed images (labels) vs desired ones; anything else is summarised. */
function templateChanges(create: CreatePodAction | undefined, remove: RemovePodAction | undefined): string {
  if (!create || !remove) return 'pod template changed';
  const desired = new Map(create.containers.map((x) => [containerOf(x), x.image]));
  const changes: string[] = [];
  for (const [name, image] of desired) {
    const old = remove.images[name];
    if (old === undefined) changes.push(`containers[${name}] added`);
    else if (old !== image) changes.push(`containers[${name}].image ${old} -> ${image}`);
  }
  for (const name of Object.keys(remove.images)) if (!desired.has(name)) changes.push(`containers[${name}] removed`);
  return changes.length ? changes.join(', ') : 'pod template changed';
}

function containerOf(spec: ContainerCreateSpec): string {
  return spec.labels[LABEL.container] ?? spec.name;
}

function aliasChanges(actions: SetAliasesAction[]): string {
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const a of actions) {
    for (const x of a.aliases) if (!a.previous.includes(x)) added.add(x);
    for (const x of a.previous) if (!a.aliases.includes(x)) removed.add(x);
  }
  return [...[...added].sort().map((x) => `+${x}`), ...[...removed].sort().map((x) => `-${x}`)].join(', ');
}

/** Verbose: the containers of a created pod. Expects a redacted action. */
export function renderPodDetails(a: CreatePodAction): string[] {
  const lines = [`    pod ${a.pod}`];
  if (a.infra) lines.push(`      infra: image ${a.infra.image}`);
  for (const s of a.containers) {
    lines.push(`      container ${containerOf(s)}: image ${s.image}`);
    if (s.entrypoint) lines.push(`        command ${JSON.stringify(s.entrypoint)}`);
    if (s.cmd) lines.push(`        args ${JSON.stringify(s.cmd)}`);
    for (const e of s.env) lines.push(`        env ${e}`);
    for (const m of s.mounts) lines.push(`        mount ${m.type} ${m.source || '(memory)'} -> ${m.target}${m.readOnly ? ' (ro)' : ''}`);
  }
  const owner = a.infra ?? a.containers[0];
  for (const p of owner?.ports ?? []) lines.push(`      port ${p.hostIp ? `${p.hostIp}:` : ''}${p.hostPort} -> ${p.containerPort}/${p.protocol}`);
  if (owner?.network.type === 'network') lines.push(`      aliases ${owner.network.aliases.join(', ')}`);
  return lines;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
