/**
 * DaemonSet rules (Kubernetes' ValidateRollingUpdateDaemonSet): maxSurge and maxUnavailable
 * not both zero. And, as for a surging Deployment, a host port cannot be held by the old and
 * the new pod at once: with maxSurge > 0 the new pod would not start.
 */
import type { Problem } from '../../util';
import { problemAt, type Located, type Rule } from '../located';
import type { DaemonSetResource } from '../types';
import { isZero, neverProgresses } from './workloads';

function daemonSetProblems(e: Located<DaemonSetResource>): Problem[] {
  const s = e.resource.updateStrategy;
  if (s.type !== 'RollingUpdate') return [];
  const path = ['spec', 'updateStrategy', 'rollingUpdate'];
  const stalled = neverProgresses(e, path, s);
  if (stalled.length > 0) return stalled;
  const hostPort = e.resource.template.spec.containers.some((c) => c.ports.some((p) => p.hostPort !== undefined));
  if (!isZero(s.maxSurge) && hostPort) {
    return [
      problemAt(
        e.doc,
        [...path, 'maxSurge'],
        'warning',
        'port.surge',
        'a rolling update with maxSurge starts the new pod while the old one still holds its host port (use maxSurge: 0)',
      ),
    ];
  }
  return [];
}

export const daemonSetRules: Rule = (m) =>
  m.entries.flatMap((e) => (e.resource.kind === 'DaemonSet' ? daemonSetProblems(e as Located<DaemonSetResource>) : []));
