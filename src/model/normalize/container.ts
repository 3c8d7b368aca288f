/**
 * One container with Kubernetes' defaults: imagePullPolicy from the tag, port protocol
 * TCP, probe timings, resources converted to bytes / nano-CPUs.
 */
import type { PathSegment } from '../../manifests';
import { defaultPullPolicy } from '../image';
import type { DocProblems } from '../located';
import { parseBytes, parseNanoCpus } from '../quantity';
import { arr, bool, intOrString, num, obj, str, strList, type Obj } from '../reader';
import { resourceFieldRef } from './downward';
import type { Container, ContainerPort, EnvFromSource, EnvVar, KeyRef, Probe, ProbeHandler, Resources, SecurityContext, VolumeMount } from '../types';
import { normalizeExtended } from './extended';

type Path = readonly PathSegment[];

/** Pod-level securityContext fields a container inherits unless it sets its own. */
export interface PodSecurityDefaults {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  supplementalGroups?: number[];
  seccompProfile?: SecurityContext['seccompProfile'];
}

/** `seccompProfile.type` as berth knows it (the schema allows only these). */
export function seccompType(raw: unknown): SecurityContext['seccompProfile'] {
  const t = str(obj(raw).type);
  return t === 'RuntimeDefault' || t === 'Unconfined' || t === 'Localhost' ? t : undefined;
}

export function normalizeContainer(p: DocProblems, raw: unknown, path: Path, pod: PodSecurityDefaults): Container {
  const c = obj(raw);
  const image = str(c.image) ?? '';
  const policy = str(c.imagePullPolicy);
  return {
    name: str(c.name) ?? '',
    image,
    imagePullPolicy: policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never' ? policy : defaultPullPolicy(image),
    command: Array.isArray(c.command) ? strList(c.command) : undefined,
    args: Array.isArray(c.args) ? strList(c.args) : undefined,
    workingDir: str(c.workingDir),
    env: arr(c.env).map((e, i) => normalizeEnv(p, obj(e), [...path, 'env', i])),
    envFrom: arr(c.envFrom).map((e) => normalizeEnvFrom(obj(e))),
    ports: arr(c.ports).map((x) => normalizePort(obj(x))),
    volumeMounts: arr(c.volumeMounts).map((x) => normalizeMount(obj(x))),
    resources: normalizeResources(p, obj(c.resources), [...path, 'resources']),
    readinessProbe: normalizeProbe(p, c.readinessProbe, [...path, 'readinessProbe']),
    livenessProbe: normalizeProbe(p, c.livenessProbe, [...path, 'livenessProbe']),
    startupProbe: normalizeProbe(p, c.startupProbe, [...path, 'startupProbe']),
    securityContext: normalizeSecurity(obj(c.securityContext), pod),
    stdin: bool(c.stdin) ?? false,
    tty: bool(c.tty) ?? false,
  };
}

function keyRef(o: Obj): KeyRef {
  return { name: str(o.name) ?? '', key: str(o.key) ?? '', optional: bool(o.optional) ?? false };
}

function normalizeEnv(p: DocProblems, e: Obj, path: Path): EnvVar {
  const name = str(e.name) ?? '';
  if (e.valueFrom === undefined) return { name, value: str(e.value) ?? (e.value === undefined ? '' : String(e.value)) };
  const vf = obj(e.valueFrom);
  if (vf.configMapKeyRef !== undefined) return { name, valueFrom: { configMapKeyRef: keyRef(obj(vf.configMapKeyRef)) } };
  if (vf.secretKeyRef !== undefined) return { name, valueFrom: { secretKeyRef: keyRef(obj(vf.secretKeyRef)) } };
  if (vf.fieldRef !== undefined) return { name, valueFrom: { fieldRef: { fieldPath: str(obj(vf.fieldRef).fieldPath) ?? '' } } };
  if (vf.resourceFieldRef !== undefined) return { name, valueFrom: { resourceFieldRef: resourceFieldRef(obj(vf.resourceFieldRef)) } };
  const given = Object.keys(vf).join(', ') || 'nothing';
  p.error(
    [...path, 'valueFrom'],
    'env.unsupported',
    `env "${name}": valueFrom ${given} is not supported (use configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef)`,
  );
  return { name, value: '' };
}

function normalizeEnvFrom(e: Obj): EnvFromSource {
  const out: EnvFromSource = { prefix: str(e.prefix) ?? '' };
  const ref = (o: Obj) => ({ name: str(o.name) ?? '', optional: bool(o.optional) ?? false });
  if (e.configMapRef !== undefined) out.configMapRef = ref(obj(e.configMapRef));
  if (e.secretRef !== undefined) out.secretRef = ref(obj(e.secretRef));
  return out;
}

function normalizePort(o: Obj): ContainerPort {
  const port: ContainerPort = { containerPort: num(o.containerPort) ?? 0, protocol: o.protocol === 'UDP' || o.protocol === 'SCTP' ? o.protocol : 'TCP' };
  if (str(o.name) !== undefined) port.name = str(o.name);
  if (num(o.hostPort) !== undefined && num(o.hostPort) !== 0) port.hostPort = num(o.hostPort);
  if (str(o.hostIP) !== undefined) port.hostIP = str(o.hostIP);
  return port;
}

function normalizeMount(o: Obj): VolumeMount {
  const m: VolumeMount = { name: str(o.name) ?? '', mountPath: str(o.mountPath) ?? '', readOnly: bool(o.readOnly) ?? false };
  if (str(o.subPath)) m.subPath = str(o.subPath);
  return m;
}

function normalizeQuantities(p: DocProblems, o: Obj, path: Path): { memoryBytes?: number; nanoCpus?: number } {
  const out: { memoryBytes?: number; nanoCpus?: number } = {};
  const read = (field: 'memory' | 'cpu') => {
    const v = o[field];
    if (typeof v !== 'string' && typeof v !== 'number') return undefined;
    const r = field === 'memory' ? parseBytes(v) : parseNanoCpus(v);
    if (r.ok) return r.value;
    p.error([...path, field], 'quantity.invalid', `${field} ${r.reason}`);
    return undefined;
  };
  const memory = read('memory');
  const cpu = read('cpu');
  if (memory !== undefined) out.memoryBytes = memory;
  if (cpu !== undefined) out.nanoCpus = cpu;
  return out;
}

function normalizeResources(p: DocProblems, r: Obj, path: Path): Resources {
  const limits = normalizeQuantities(p, obj(r.limits), [...path, 'limits']);
  const requests = normalizeQuantities(p, obj(r.requests), [...path, 'requests']);
  // Kubernetes: a request above its limit is invalid; a limit alone sets the request.
  for (const [field, key] of [
    ['memory', 'memoryBytes'],
    ['cpu', 'nanoCpus'],
  ] as const) {
    const lim = limits[key];
    const req = requests[key];
    if (lim !== undefined && req !== undefined && req > lim) {
      p.error(
        [...path, 'requests', field],
        'resources.request-above-limit',
        `${field} request ${String(obj(r.requests)[field])} is above its limit ${String(obj(r.limits)[field])}`,
      );
    }
    if (lim !== undefined && req === undefined) requests[key] = lim;
  }
  const { gpus } = normalizeExtended(p, r, path);
  return { limits: gpus ? { ...limits, gpus } : limits, requests };
}

function normalizeHandler(p: DocProblems, o: Obj, path: Path): ProbeHandler | undefined {
  if (o.exec !== undefined) return { type: 'exec', command: strList(obj(o.exec).command) };
  if (o.httpGet !== undefined) {
    const h = obj(o.httpGet);
    const handler: ProbeHandler = {
      type: 'httpGet',
      path: str(h.path) || '/',
      port: intOrString(h.port) ?? 0,
      scheme: h.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP',
      httpHeaders: arr(h.httpHeaders).map((x) => ({ name: str(obj(x).name) ?? '', value: str(obj(x).value) ?? '' })),
    };
    if (str(h.host)) handler.host = str(h.host);
    return handler;
  }
  if (o.tcpSocket !== undefined) {
    const t = obj(o.tcpSocket);
    const handler: ProbeHandler = { type: 'tcpSocket', port: intOrString(t.port) ?? 0 };
    if (str(t.host)) handler.host = str(t.host);
    return handler;
  }
  if (o.grpc !== undefined) {
    const g = obj(o.grpc);
    return { type: 'grpc', port: num(g.port) ?? 0, service: str(g.service) ?? '' };
  }
  p.error(path, 'probe.handler', 'probe needs one of exec, httpGet, tcpSocket or grpc');
  return undefined;
}

function normalizeProbe(p: DocProblems, raw: unknown, path: Path): Probe | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = obj(raw);
  const handler = normalizeHandler(p, o, path);
  if (!handler) return undefined;
  return {
    handler,
    initialDelaySeconds: num(o.initialDelaySeconds) ?? 0,
    periodSeconds: num(o.periodSeconds) ?? 10,
    timeoutSeconds: num(o.timeoutSeconds) ?? 1,
    successThreshold: num(o.successThreshold) ?? 1,
    failureThreshold: num(o.failureThreshold) ?? 3,
  };
}

function normalizeSecurity(s: Obj, pod: PodSecurityDefaults): SecurityContext {
  const caps = obj(s.capabilities);
  const out: SecurityContext = {
    privileged: bool(s.privileged) ?? false,
    capabilitiesAdd: strList(caps.add),
    capabilitiesDrop: strList(caps.drop),
    readOnlyRootFilesystem: bool(s.readOnlyRootFilesystem) ?? false,
  };
  const user = num(s.runAsUser) ?? pod.runAsUser;
  const group = num(s.runAsGroup) ?? pod.runAsGroup;
  const nonRoot = bool(s.runAsNonRoot) ?? pod.runAsNonRoot;
  const escalation = bool(s.allowPrivilegeEscalation);
  const seccomp = seccompType(s.seccompProfile) ?? pod.seccompProfile;
  if (user !== undefined) out.runAsUser = user;
  if (group !== undefined) out.runAsGroup = group;
  if (nonRoot !== undefined) out.runAsNonRoot = nonRoot;
  if (pod.supplementalGroups && pod.supplementalGroups.length > 0) out.supplementalGroups = [...pod.supplementalGroups];
  if (escalation !== undefined) out.allowPrivilegeEscalation = escalation;
  if (seccomp !== undefined) out.seccompProfile = seccomp;
  return out;
}
