/** Builders for desired-state fixtures: every default filled in, as the model would. */
import {
  emptyDesiredState,
  type ConfigMapResource,
  type Container,
  type DeploymentResource,
  type DaemonSetResource,
  type DesiredState,
  type Meta,
  type NamespaceResource,
  type PersistentVolumeClaimResource,
  type PodResource,
  type PodSpec,
  type SecretResource,
  type ServiceResource,
  type StatefulSetResource,
} from '../../../src/model/types';
import { assignHashes } from '../../../src/model/hash';
import type { PlanContext } from '../../../src/plan/types';

export function meta(name: string, namespace = 'default', labels: Record<string, string> = {}): Meta {
  return { name, namespace, labels, annotations: {}, source: { file: `${name}.yaml`, line: 1, col: 1 } };
}

export function container(name: string, image: string, over: Partial<Container> = {}): Container {
  return {
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    env: [],
    envFrom: [],
    ports: [],
    volumeMounts: [],
    resources: { limits: {}, requests: {} },
    securityContext: { privileged: false, capabilitiesAdd: [], capabilitiesDrop: [], readOnlyRootFilesystem: false },
    stdin: false,
    tty: false,
    ...over,
  };
}

export function podSpec(containers: Container[], over: Partial<PodSpec> = {}): PodSpec {
  return {
    containers,
    initContainers: [],
    volumes: [],
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    hostNetwork: false,
    hostPID: false,
    ...over,
  };
}

export function pod(name: string, spec: PodSpec, opts: { namespace?: string; labels?: Record<string, string> } = {}): PodResource {
  return { kind: 'Pod', meta: meta(name, opts.namespace, opts.labels), spec, specHash: '' };
}

export function deployment(
  name: string,
  spec: PodSpec,
  opts: { replicas?: number; namespace?: string; labels?: Record<string, string> } = {},
): DeploymentResource {
  const labels = opts.labels ?? { app: name };
  return {
    kind: 'Deployment',
    meta: meta(name, opts.namespace),
    replicas: opts.replicas ?? 1,
    selector: { matchLabels: labels, matchExpressions: [] },
    template: { labels, annotations: {}, spec },
    strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    revisionHistoryLimit: 10,
    paused: false,
    templateHash: '',
  };
}

export function statefulSet(
  name: string,
  spec: PodSpec,
  opts: { replicas?: number; namespace?: string; serviceName?: string; claims?: string[]; partition?: number } = {},
): StatefulSetResource {
  const labels = { app: name };
  return {
    kind: 'StatefulSet',
    meta: meta(name, opts.namespace),
    replicas: opts.replicas ?? 1,
    serviceName: opts.serviceName ?? name,
    selector: { matchLabels: labels, matchExpressions: [] },
    template: { labels, annotations: {}, spec },
    volumeClaimTemplates: (opts.claims ?? []).map((c) => ({ name: c, accessModes: ['ReadWriteOnce'] })),
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', partition: opts.partition ?? 0 },
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    templateHash: '',
  };
}

export function daemonSet(
  name: string,
  spec: PodSpec,
  updateStrategy: DaemonSetResource['updateStrategy'] = { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 },
): DaemonSetResource {
  const labels = { app: name };
  return {
    kind: 'DaemonSet',
    meta: meta(name),
    selector: { matchLabels: labels, matchExpressions: [] },
    template: { labels, annotations: {}, spec },
    updateStrategy,
    minReadySeconds: 0,
    progressDeadlineSeconds: 600,
    templateHash: '',
  };
}

export function service(name: string, selector: Record<string, string>, over: Partial<ServiceResource> = {}, namespace = 'default'): ServiceResource {
  return {
    kind: 'Service',
    meta: meta(name, namespace),
    type: 'ClusterIP',
    selector,
    ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
    ...over,
  };
}

export function configMap(name: string, data: Record<string, string>, namespace = 'default'): ConfigMapResource {
  return { kind: 'ConfigMap', meta: meta(name, namespace), data, binaryData: {} };
}

/** `data` given as plain text; stored base64 as the model does. */
export function secret(name: string, data: Record<string, string>, namespace = 'default'): SecretResource {
  const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  return { kind: 'Secret', meta: meta(name, namespace), type: 'Opaque', data: b64 };
}

export function pvc(name: string, namespace = 'default'): PersistentVolumeClaimResource {
  return { kind: 'PersistentVolumeClaim', meta: meta(name, namespace), accessModes: ['ReadWriteOnce'] };
}

export function namespace(name: string): NamespaceResource {
  return { kind: 'Namespace', meta: meta(name, name) };
}

/**
 * A desired state with the implicit `default` namespace plus whatever is given, its spec and
 * template hashes computed by the model's own hash function (so an image or ConfigMap change
 * changes them exactly as in production).
 */
export function desired(parts: Partial<DesiredState> = {}): DesiredState {
  const d = { ...emptyDesiredState(), ...parts };
  if (!d.namespaces.some((n) => n.meta.name === 'default')) d.namespaces = [namespace('default'), ...d.namespaces];
  assignHashes(d);
  return d;
}

export function ctx(over: Partial<PlanContext> = {}): PlanContext {
  return {
    instance: 'unit',
    revision: '0123456789abcdef0123456789abcdef01234567',
    stateDir: '/var/lib/berth',
    pauseImage: 'berth-test/busybox:latest',
    pauseCommand: ['sleep', '2147483647'],
    prune: true,
    ...over,
  };
}

export const web = (image = 'nginx:1.25') => podSpec([container('web', image, { ports: [{ containerPort: 80, protocol: 'TCP' }] })]);
