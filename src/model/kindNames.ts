/**
 * kubectl's names of the kinds berth's commands take (`deploy/web`, `sts/db`, `po/x`): the
 * singular, the plural and the short name, in any case. One table for every command.
 */
export type NamedKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod' | 'Service';

const NAMES: Record<string, NamedKind> = {
  deployment: 'Deployment',
  deployments: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  ds: 'DaemonSet',
  pod: 'Pod',
  pods: 'Pod',
  po: 'Pod',
  service: 'Service',
  services: 'Service',
  svc: 'Service',
};

/** The kind `text` names, when it is one of `among` (the kinds the command handles). */
export function kindNamed<K extends NamedKind>(text: string, among: readonly K[]): K | undefined {
  const kind = NAMES[text.toLowerCase()];
  return kind !== undefined && (among as readonly NamedKind[]).includes(kind) ? (kind as K) : undefined;
}

/** An object's name as the commands accept it (a DNS subdomain, as kubectl). */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
