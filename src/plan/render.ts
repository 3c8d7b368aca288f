/**
 * A plan as a person reads it: one line per change of a resource, like a summarised
 * `kubectl diff`, then the warnings. Pure; secrets are redacted (redact.ts): env values from
 * Secrets print as `(secret)` and secret files by name only.
 *
 *   + Deployment default/web: create 3 pods (image nginx:1.25)
 *   ~ Deployment default/web: replace 3 pods (template 1a2b3c -> 4d5e6f: containers[web].image nginx:1.25 -> nginx:1.27)
 */
import { redactAction } from '../secrets';
import { count, renderPodDetails, renderPodGroup } from './renderPods';
import type { Action, Plan } from './types';

export interface RenderOptions {
  /** Also list each created pod's containers (image, command, env, mounts, ports) and files. */
  verbose?: boolean;
}

export function renderPlan(plan: Plan, opts: RenderOptions = {}): string {
  const lines: string[] = [];
  for (const [key, actions] of groupByKey(plan.actions.map(redactAction))) {
    lines.push(...renderGroup(key, actions));
    if (opts.verbose) lines.push(...renderDetails(actions));
  }
  if (lines.length === 0) lines.push('No changes.');
  for (const w of plan.warnings) lines.push(`! ${w}`);
  return lines.join('\n') + '\n';
}

/** `Deployment/default/web` -> `Deployment default/web` */
export function displayKey(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? key : `${key.slice(0, i)} ${key.slice(i + 1)}`;
}

function groupByKey(actions: Action[]): Map<string, Action[]> {
  const groups = new Map<string, Action[]>();
  for (const a of actions) groups.set(a.key, [...(groups.get(a.key) ?? []), a]);
  return groups;
}

function renderGroup(key: string, actions: Action[]): string[] {
  const who = displayKey(key);
  const lines: string[] = [];
  const pods: Action[] = [];
  for (const a of actions) {
    switch (a.type) {
      case 'create-network':
        lines.push(`+ ${who}: create network ${a.name}`);
        break;
      case 'remove-network':
        lines.push(`- ${who}: remove network ${a.name}`);
        break;
      case 'create-volume':
        lines.push(`+ ${who}: create volume ${a.name}`);
        break;
      case 'remove-volume':
        lines.push(`- ${who}: remove volume ${a.name} (its pod is gone)`);
        break;
      case 'write-files':
        lines.push(`+ ${who}: write ${count(a.files.length, 'file')}${a.files.length ? ` (${a.files.map((f) => f.path).join(', ')})` : ''}`);
        break;
      default:
        pods.push(a);
    }
  }
  return [...lines, ...renderPodGroup(who, pods)];
}

function renderDetails(actions: Action[]): string[] {
  const lines: string[] = [];
  for (const a of actions) {
    if (a.type === 'create-pod') lines.push(...renderPodDetails(a));
    if (a.type === 'write-files') {
      lines.push(`    into ${a.dir}`);
      for (const f of a.files) lines.push(`      ${f.path} (mode ${f.mode.toString(8).padStart(4, '0')})`);
    }
  }
  return lines;
}
