/**
 * A pod spec with Kubernetes' defaults: restartPolicy Always, terminationGracePeriodSeconds
 * 30, emptyDir medium '', configMap/secret volume defaultMode 0644.
 */
import type { PathSegment } from '../../manifests';
import type { DocProblems } from '../located';
import { arr, bool, num, obj, str, strMap, type Obj } from '../reader';
import type { Container, NodeAffinity, NodeSelectorRequirement, PodSpec, PodTemplate, Volume } from '../types';
import { downwardVolume } from './downward';
import { normalizeContainer, seccompType, type PodSecurityDefaults } from './container';

type Path = readonly PathSegment[];

const DEFAULT_MODE = 0o644; // 420, Kubernetes' default for configMap and secret volumes

const VOLUME_TYPES = ['emptyDir', 'configMap', 'secret', 'downwardAPI', 'projected', 'persistentVolumeClaim', 'hostPath'];

function items(v: unknown): { key: string; path: string }[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => ({ key: str(obj(x).key) ?? '', path: str(obj(x).path) ?? '' }));
}

function normalizeVolume(p: DocProblems, v: Obj, path: Path): Volume | undefined {
  const name = str(v.name) ?? '';
  if (v.emptyDir !== undefined) return { name, type: 'emptyDir', medium: obj(v.emptyDir).medium === 'Memory' ? 'Memory' : '' };
  if (v.configMap !== undefined) {
    const c = obj(v.configMap);
    const vol: Volume = {
      name,
      type: 'configMap',
      configMapName: str(c.name) ?? '',
      defaultMode: num(c.defaultMode) ?? DEFAULT_MODE,
      optional: bool(c.optional) ?? false,
    };
    const it = items(c.items);
    if (it) vol.items = it;
    return vol;
  }
  if (v.secret !== undefined) {
    const s = obj(v.secret);
    const vol: Volume = {
      name,
      type: 'secret',
      secretName: str(s.secretName) ?? '',
      defaultMode: num(s.defaultMode) ?? DEFAULT_MODE,
      optional: bool(s.optional) ?? false,
    };
    const it = items(s.items);
    if (it) vol.items = it;
    return vol;
  }
  if (v.persistentVolumeClaim !== undefined) {
    const c = obj(v.persistentVolumeClaim);
    return { name, type: 'persistentVolumeClaim', claimName: str(c.claimName) ?? '', readOnly: bool(c.readOnly) ?? false };
  }
  if (v.hostPath !== undefined) return { name, type: 'hostPath', path: str(obj(v.hostPath).path) ?? '' };
  const downward = downwardVolume(name, v);
  if (downward) return downward;
  const given = Object.keys(v).filter((k) => k !== 'name');
  p.error(
    path,
    'volume.unsupported',
    `volume "${name}": ${given.length ? `type ${given.join(', ')} is` : 'no type is'} not supported (use ${VOLUME_TYPES.join(', ')})`,
  );
  return undefined;
}

export function normalizePodSpec(p: DocProblems, raw: unknown, path: Path): PodSpec {
  const s = obj(raw);
  const sec = obj(s.securityContext);
  const podSec: PodSecurityDefaults = {
    runAsUser: num(sec.runAsUser),
    runAsGroup: num(sec.runAsGroup),
    runAsNonRoot: bool(sec.runAsNonRoot),
    supplementalGroups: arr(sec.supplementalGroups).filter((g): g is number => typeof g === 'number'),
    seccompProfile: seccompType(sec.seccompProfile),
  };
  const containers = (field: 'containers' | 'initContainers') => arr(s[field]).map((c, i) => normalizeContainer(p, c, [...path, field, i], podSec));
  const volumes: Volume[] = [];
  arr(s.volumes).forEach((v, i) => {
    const vol = normalizeVolume(p, obj(v), [...path, 'volumes', i]);
    if (vol) volumes.push(vol);
  });
  appContainerRestartPolicies(p, arr(s.containers), path);
  const restart = s.restartPolicy;
  const spec: PodSpec = {
    containers: containers('containers'),
    initContainers: initContainers(p, arr(s.initContainers), containers('initContainers'), path),
    volumes,
    restartPolicy: restart === 'OnFailure' || restart === 'Never' ? restart : 'Always',
    terminationGracePeriodSeconds: num(s.terminationGracePeriodSeconds) ?? 30,
    hostNetwork: bool(s.hostNetwork) ?? false,
    hostPID: bool(s.hostPID) ?? false,
  };
  if (str(s.hostname)) spec.hostname = str(s.hostname);
  if (str(s.subdomain)) spec.subdomain = str(s.subdomain);
  // Honoured by the swarm engine only (placement constraints); one host warns (schema/ignored.ts).
  const nodeSelector = strMap(s.nodeSelector);
  if (Object.keys(nodeSelector).length > 0) spec.nodeSelector = nodeSelector;
  const affinity = nodeAffinity(obj(obj(s.affinity).nodeAffinity));
  if (affinity) spec.nodeAffinity = affinity;
  return spec;
}

function nodeAffinity(a: Obj): NodeAffinity | undefined {
  const requirements = (list: unknown): NodeSelectorRequirement[] =>
    arr(list).map((r) => ({ key: str(obj(r).key) ?? '', operator: str(obj(r).operator) ?? '', values: arr(obj(r).values).map((v) => String(v)) }));
  const required = arr(obj(a.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms).map((t) => ({
    matchExpressions: requirements(obj(t).matchExpressions),
    matchFields: requirements(obj(t).matchFields),
  }));
  const preferred = arr(a.preferredDuringSchedulingIgnoredDuringExecution).length;
  return required.length > 0 || preferred > 0 ? { required, preferred } : undefined;
}

/**
 * Kubernetes allows `restartPolicy` on an init container only, and only `Always` (a native
 * sidecar); on an app container the pod's restartPolicy applies (the field is ignored).
 */
function initContainers(p: DocProblems, raw: unknown[], list: Container[], path: Path): Container[] {
  return list.map((c, i) => {
    const given = obj(raw[i]).restartPolicy;
    if (given !== 'Always') initProbes(p, obj(raw[i]), c.name, [...path, 'initContainers', i]);
    if (given === undefined) return c;
    if (given === 'Always') return { ...c, restartPolicy: 'Always' };
    p.error(
      [...path, 'initContainers', i, 'restartPolicy'],
      'pod.init-restart-policy',
      `restartPolicy "${String(given)}" of init container "${c.name}" is not allowed (only "Always", which makes it a sidecar)`,
    );
    return c;
  });
}

/** Kubernetes' validation: a regular init container runs to completion, so it takes no probe (a sidecar may). */
function initProbes(p: DocProblems, raw: Obj, name: string, path: Path): void {
  for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    if (raw[probe] !== undefined)
      p.error([...path, probe], 'pod.init-probe', `${probe} of init container "${name}" is not allowed (only a sidecar, restartPolicy Always, takes probes)`);
  }
}

function appContainerRestartPolicies(p: DocProblems, raw: unknown[], path: Path): void {
  raw.forEach((c, i) => {
    if (obj(c).restartPolicy === undefined) return;
    p.warn(
      [...path, 'containers', i, 'restartPolicy'],
      'schema.ignored-field',
      'field "restartPolicy" of an app container is ignored (the pod\'s restartPolicy applies; only init containers take one)',
    );
  });
}

/** The pod template of a Deployment or StatefulSet, whose pods must restart Always (a Job's: jobs.ts). */
export function normalizeTemplate(p: DocProblems, raw: unknown, path: Path, onlyAlways = true): PodTemplate {
  const t = obj(raw);
  const md = obj(t.metadata);
  const specPath = [...path, 'spec'];
  const spec = normalizePodSpec(p, t.spec, specPath);
  const given = obj(t.spec).restartPolicy;
  if (onlyAlways && given !== undefined && given !== 'Always') {
    p.error(
      [...specPath, 'restartPolicy'],
      'pod.restart-policy',
      `restartPolicy "${String(given)}" is not allowed in a ${p.doc.body.kind} template (only "Always")`,
    );
  }
  return { labels: strMap(md.labels), annotations: strMap(md.annotations), spec };
}
