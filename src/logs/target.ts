/**
 * What `berth logs` and `GET /api/v1/logs` read: `POD`, `pod/NAME`, `deployment/NAME`,
 * `statefulset/NAME`, `daemonset/NAME` (kubectl's short names too), matched against container labels alone.
 * Pure.
 */
import { INFRA_CONTAINER } from '../observe';
import { LABEL, type Labels } from '../runtime';
import { BerthError } from '../util';
import { kindNamed, OBJECT_NAME } from '../model';

export type LogTargetKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface LogTarget {
  kind: LogTargetKind;
  name: string;
}

/** Which containers: the target in one namespace, optionally one container name (`-c`). */
export interface LogSelector {
  namespace: string;
  target: LogTarget;
  container?: string;
}

const LOG_KINDS: readonly LogTargetKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet'];

/** `NAME` (a pod) or `KIND/NAME`. */
export function parseLogTarget(text: string): LogTarget {
  const slash = text.indexOf('/');
  const kindText = slash >= 0 ? text.slice(0, slash) : 'pod';
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  const kind = kindNamed(kindText, LOG_KINDS);
  if (!kind) throw new BerthError('E_USAGE', `cannot read logs of "${kindText}"`, 'name a pod, deployment/NAME, statefulset/NAME or daemonset/NAME');
  if (!OBJECT_NAME.test(name)) throw new BerthError('E_USAGE', `invalid name "${name}"`, 'lowercase letters, digits, "-" and "."');
  return { kind, name };
}

/** kubectl's resource word for messages: `pods "web-1" not found`. */
export function resourceWord(kind: LogTargetKind): string {
  return kind === 'Pod' ? 'pods' : `${kind.toLowerCase()}s.apps`;
}

/** Does a container with these labels belong to the selection? Infra containers and Service anchors never do. */
export function selects(sel: LogSelector, labels: Labels): boolean {
  if (labels[LABEL.namespace] !== sel.namespace) return false;
  const container = labels[LABEL.container];
  if (container === undefined || container === INFRA_CONTAINER) return false;
  if (sel.container !== undefined && container !== sel.container) return false;
  const kind = labels[LABEL.kind];
  if (kind === 'Service') return false;
  if (sel.target.kind === 'Pod') return labels[LABEL.pod] === sel.target.name;
  return kind === sel.target.kind && labels[LABEL.owner] === sel.target.name;
}

/** The engine-side filter a selection starts from (one instance, one namespace). */
export function selectorLabels(instance: string, namespace: string): Labels {
  return { [LABEL.managed]: 'true', [LABEL.instance]: instance, [LABEL.namespace]: namespace };
}

/** kubectl's default `--tail`: every line of one pod, the last 10 per container of a selection. */
export function defaultTail(target: LogTarget): number | undefined {
  return target.kind === 'Pod' ? undefined : 10;
}
