/**
 * Workload-level rules: a StatefulSet's serviceName names a (headless) Service of its
 * namespace; a RollingUpdate must be able to make progress (maxSurge and maxUnavailable
 * not both zero, maxUnavailable at most 100%).
 */
import type { Problem } from '../../util';
import { describe, problemAt, type Located, type ModelIndex, type Rule } from '../located';
import type { DeploymentResource, IntOrString, StatefulSetResource } from '../types';

function serviceNameRefers(m: ModelIndex, e: Located<StatefulSetResource>): Problem[] {
  const { serviceName, meta } = e.resource;
  if (!serviceName) return [];
  const svc = m.find('Service', meta.namespace, serviceName);
  const path = ['spec', 'serviceName'];
  if (!svc)
    return [
      problemAt(
        e.doc,
        path,
        'error',
        'ref.service',
        `Service "${serviceName}" does not exist in namespace "${meta.namespace}" (a StatefulSet needs a headless Service)`,
      ),
    ];
  const ip = svc.resource.clusterIP;
  if (ip === 'None') return [];
  const got = ip ? `clusterIP "${ip}"` : 'no clusterIP: None';
  return [
    problemAt(
      e.doc,
      path,
      'warning',
      'service.not-headless',
      `${describe(svc.resource)} has ${got}; a StatefulSet expects a headless Service (clusterIP: None)`,
    ),
  ];
}

export function isZero(v: IntOrString): boolean {
  return v === 0 || (typeof v === 'string' && /^0+%$/.test(v));
}

/** A rolling update with maxSurge and maxUnavailable both 0 could never make progress (Deployment, DaemonSet). */
export function neverProgresses(e: Pick<Located, 'doc'>, path: string[], s: { maxSurge: IntOrString; maxUnavailable: IntOrString }): Problem[] {
  if (!isZero(s.maxSurge) || !isZero(s.maxUnavailable)) return [];
  return [
    problemAt(
      e.doc,
      [...path, 'maxUnavailable'],
      'error',
      'strategy.invalid',
      'maxUnavailable may not be 0 when maxSurge is 0 (the rollout could never make progress)',
    ),
  ];
}

function percentOver100(v: IntOrString): boolean {
  return typeof v === 'string' && v.endsWith('%') && Number(v.slice(0, -1)) > 100;
}

function rollingUpdateProgresses(e: Located<DeploymentResource>): Problem[] {
  const s = e.resource.strategy;
  if (s.type !== 'RollingUpdate') return [];
  const path = ['spec', 'strategy', 'rollingUpdate'];
  const stalled = neverProgresses(e, path, s);
  if (stalled.length > 0) return stalled;
  if (percentOver100(s.maxUnavailable)) {
    return [
      problemAt(e.doc, [...path, 'maxUnavailable'], 'error', 'strategy.invalid', `maxUnavailable "${String(s.maxUnavailable)}" may not be more than 100%`),
    ];
  }
  return [];
}

export const workloadRules: Rule = (m) =>
  m.entries.flatMap((e) => {
    if (e.resource.kind === 'StatefulSet') return serviceNameRefers(m, e as Located<StatefulSetResource>);
    if (e.resource.kind === 'Deployment') return rollingUpdateProgresses(e as Located<DeploymentResource>);
    return [];
  });
