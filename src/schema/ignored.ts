/**
 * Kubernetes fields that validate but mean nothing on one Docker host. The schemas accept
 * them (a permissive or loose entry); this table says what a person is told about them:
 * a warning naming the field, nothing at all (fields a cluster writes, like `uid`), or an
 * error for a source berth cannot provide (an `nfs` volume).
 */
import type { Kind } from '../model';
import type { PathSegment } from '../manifests';

export type Treatment = 'ignored' | 'requests-only' | 'quiet' | 'unsupported';

/** Where a rule's field is looked up: each anchor is a kind of object inside a manifest. */
export type Anchor =
  | 'object'
  | 'metadata'
  | 'podSpec'
  | 'container'
  | 'probe'
  | 'envVar'
  | 'volume'
  | 'volumeProjection'
  | 'volumeMount'
  | 'serviceSpec'
  | 'servicePort'
  | 'pvcSpec'
  | 'statefulSetSpec'
  | 'jobSpec'
  | 'daemonSetSpec'
  | 'ingressClassSpec'
  | 'namespaceSpec';

export interface FieldRule {
  anchor: Anchor;
  /** Dotted path below the anchor; `*` matches every key. */
  field: string;
  treatment: Treatment;
  /** The error message of an `unsupported` field. */
  message?: string;
}

const rules =
  (treatment: Treatment, message?: string) =>
  (anchor: Anchor, ...fields: string[]): FieldRule[] =>
    fields.map((field) => ({ anchor, field, treatment, message }));
const ignored = rules('ignored');
const quiet = rules('quiet');

const VOLUME_SOURCES = 'use emptyDir, configMap, secret, downwardAPI, projected, persistentVolumeClaim or hostPath';
const unsupportedVolume = rules('unsupported', `this volume type is not supported on a Docker host (${VOLUME_SOURCES})`);

export const FIELD_RULES: readonly FieldRule[] = [
  ...quiet('object', 'status'),
  ...quiet('metadata', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'),
  ...quiet('metadata', 'deletionTimestamp', 'deletionGracePeriodSeconds'),
  ...ignored('metadata', 'generateName', 'finalizers', 'ownerReferences'),
  ...ignored('podSpec', 'affinity', 'tolerations', 'nodeSelector', 'nodeName', 'priorityClassName', 'priority'),
  ...ignored('podSpec', 'schedulerName', 'topologySpreadConstraints', 'serviceAccountName', 'serviceAccount'),
  ...ignored('podSpec', 'automountServiceAccountToken', 'dnsPolicy', 'dnsConfig', 'imagePullSecrets', 'runtimeClassName'),
  ...ignored('podSpec', 'preemptionPolicy', 'enableServiceLinks', 'shareProcessNamespace', 'readinessGates', 'overhead'),
  ...ignored('podSpec', 'activeDeadlineSeconds', 'ephemeralContainers', 'hostAliases', 'hostIPC', 'hostUsers', 'os'),
  ...ignored('podSpec', 'resourceClaims', 'resources', 'schedulingGates', 'setHostnameAsFQDN'),
  ...rules('ignored', 'not applied: Docker has no per-volume group ownership, so volumes keep their owner (docs/pod-features.md)')(
    'podSpec',
    'securityContext.fsGroup',
  ),
  ...ignored('podSpec', 'securityContext.fsGroupChangePolicy', 'securityContext.supplementalGroupsPolicy', 'securityContext.sysctls'),
  ...ignored('podSpec', 'securityContext.seLinuxOptions', 'securityContext.seLinuxChangePolicy', 'securityContext.appArmorProfile'),
  ...ignored('podSpec', 'securityContext.windowsOptions'),
  ...ignored('container', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'stdinOnce'),
  ...ignored('container', 'resizePolicy', 'volumeDevices', 'resources.claims'),
  ...ignored('container', 'resources.limits.ephemeral-storage', 'resources.requests.ephemeral-storage'),
  ...ignored('container', 'securityContext.seLinuxOptions'),
  ...ignored('container', 'securityContext.appArmorProfile', 'securityContext.windowsOptions', 'securityContext.procMount'),
  ...rules('requests-only')('container', 'resources.requests'),
  ...ignored('probe', 'terminationGracePeriodSeconds'),
  ...ignored('volume', 'emptyDir.sizeLimit', 'emptyDir.mode'),
  // All three come from a Kubernetes API server (its token issuer, trust bundles, signers); nothing is written in their place.
  ...ignored('volumeProjection', 'serviceAccountToken', 'clusterTrustBundle', 'podCertificate'),
  // Alpha in Kubernetes (feature gates ContainerRestartRules, and the newest cgroup one):
  // a default API server drops them and runs the pod without; so does berth, saying so.
  ...rules('ignored', 'an alpha field of Kubernetes, off by default there (its API server drops it): ignored')(
    'container',
    'restartPolicyRules',
    'securityContext.cgroupOptions',
  ),
  ...unsupportedVolume('volume', 'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'csi'),
  ...unsupportedVolume('volume', 'ephemeral', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk'),
  ...unsupportedVolume('volume', 'gitRepo', 'glusterfs', 'image', 'iscsi', 'nfs', 'photonPersistentDisk'),
  ...unsupportedVolume('volume', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume'),
  ...ignored('volumeMount', 'subPathExpr', 'mountPropagation', 'recursiveReadOnly'),
  ...ignored('serviceSpec', 'allocateLoadBalancerNodePorts', 'clusterIPs', 'externalIPs', 'healthCheckNodePort'),
  ...ignored('serviceSpec', 'internalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy', 'loadBalancerClass'),
  ...ignored('serviceSpec', 'loadBalancerIP', 'loadBalancerSourceRanges', 'publishNotReadyAddresses'),
  ...ignored('serviceSpec', 'sessionAffinityConfig', 'trafficDistribution'),
  ...ignored('servicePort', 'appProtocol'),
  ...ignored('pvcSpec', 'selector', 'volumeName', 'dataSource', 'dataSourceRef', 'volumeAttributesClassName'),
  ...ignored('pvcSpec', 'resources.limits'),
  ...ignored('statefulSetSpec', 'revisionHistoryLimit', 'ordinals'),
  ...ignored('namespaceSpec', 'finalizers'),
  ...ignored('jobSpec', 'selector', 'manualSelector', 'podReplacementPolicy', 'managedBy'),
  ...ignored('daemonSetSpec', 'revisionHistoryLimit'),
  ...ignored('ingressClassSpec', 'parameters'),
];

/** `[]` stands for every item of a list, `*` for every key of a mapping. */
type Pattern = readonly string[];

const WORKLOAD_POD_SPEC: Partial<Record<Kind, Pattern>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
};

const TEMPLATE_METADATA: Partial<Record<Kind, Pattern>> = {
  Deployment: ['spec', 'template', 'metadata'],
  StatefulSet: ['spec', 'template', 'metadata'],
  Job: ['spec', 'template', 'metadata'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'metadata'],
  DaemonSet: ['spec', 'template', 'metadata'],
};

function optional(p: Pattern | undefined): Pattern[] {
  return p ? [p] : [];
}

function below(bases: Pattern[], ...suffixes: Pattern[]): Pattern[] {
  return bases.flatMap((b) => suffixes.map((s) => [...b, ...s]));
}

/** Every place an anchor can stand in a document of `kind`. */
export function anchorPatterns(kind: Kind): Record<Anchor, Pattern[]> {
  const podSpecs = optional(WORKLOAD_POD_SPEC[kind]);
  const containers = below(podSpecs, ['containers', '[]'], ['initContainers', '[]']);
  const claimTemplates: Pattern[] = kind === 'StatefulSet' ? [['spec', 'volumeClaimTemplates', '[]']] : [];
  return {
    object: [[]],
    metadata: [['metadata'], ...optional(TEMPLATE_METADATA[kind]), ...below(claimTemplates, ['metadata'])],
    podSpec: podSpecs,
    container: containers,
    probe: below(containers, ['readinessProbe'], ['livenessProbe'], ['startupProbe']),
    envVar: below(containers, ['env', '[]']),
    volume: below(podSpecs, ['volumes', '[]']),
    volumeProjection: below(podSpecs, ['volumes', '[]', 'projected', 'sources', '[]']),
    volumeMount: below(containers, ['volumeMounts', '[]']),
    serviceSpec: kind === 'Service' ? [['spec']] : [],
    servicePort: kind === 'Service' ? [['spec', 'ports', '[]']] : [],
    pvcSpec: kind === 'PersistentVolumeClaim' ? [['spec']] : below(claimTemplates, ['spec']),
    statefulSetSpec: kind === 'StatefulSet' ? [['spec']] : [],
    jobSpec: kind === 'Job' ? [['spec']] : kind === 'CronJob' ? [['spec', 'jobTemplate', 'spec']] : [],
    daemonSetSpec: kind === 'DaemonSet' ? [['spec']] : [],
    ingressClassSpec: kind === 'IngressClass' ? [['spec']] : [],
    namespaceSpec: kind === 'Namespace' ? [['spec']] : [],
  };
}

export interface FieldNotice {
  severity: 'warning' | 'error';
  path: PathSegment[];
  message: string;
  code: string;
}

/** What the table says about the fields present in one document. */
export function fieldNotices(kind: Kind, body: unknown): FieldNotice[] {
  const anchors = anchorPatterns(kind);
  // Where each anchor stands in this document, found once; each rule then looks only below
  // those places (a walk from the root per rule made this most of validating 500 files).
  const places = new Map<Anchor, { path: PathSegment[]; value: unknown }[]>();
  const placesOf = (anchor: Anchor) => {
    let found = places.get(anchor);
    if (!found) places.set(anchor, (found = anchors[anchor].flatMap((pattern) => walk([{ path: [], value: body }], pattern))));
    return found;
  };
  const out: FieldNotice[] = [];
  for (const rule of FIELD_RULES) {
    if (rule.treatment === 'quiet') continue;
    const field = rule.field.split('.');
    for (const place of placesOf(rule.anchor)) {
      for (const { path } of walk([place], field)) out.push(notice(rule, path.slice(place.path.length).join('.'), path));
    }
  }
  return out;
}

function notice(rule: FieldRule, field: string, path: PathSegment[]): FieldNotice {
  switch (rule.treatment) {
    case 'unsupported':
      return { severity: 'error', path, code: 'schema.unsupported', message: rule.message ?? `field "${field}" is not supported` };
    case 'requests-only':
      return {
        severity: 'warning',
        path,
        code: 'schema.requests-only',
        message: `field "${field}" is accepted, but only limits are enforced on a Docker host`,
      };
    default:
      return {
        severity: 'warning',
        path,
        code: 'schema.ignored-field',
        message: rule.message ? `field "${field}": ${rule.message}` : `field "${field}" has no meaning on a single Docker host and is ignored`,
      };
  }
}

/** The concrete paths of `body` that `pattern` names and that exist. */
export function matches(body: unknown, pattern: Pattern): PathSegment[][] {
  return walk([{ path: [], value: body }], pattern).map((f) => f.path);
}

function walk(from: { path: PathSegment[]; value: unknown }[], pattern: Pattern): { path: PathSegment[]; value: unknown }[] {
  let found = from;
  for (const segment of pattern) {
    if (found.length === 0) return found;
    found = found.flatMap(({ path, value }) => children(value, segment).map(([key, child]) => ({ path: [...path, key], value: child })));
  }
  return found;
}

function children(value: unknown, segment: string): [PathSegment, unknown][] {
  if (Array.isArray(value)) return segment === '[]' ? value.map((v, i): [PathSegment, unknown] => [i, v]) : [];
  if (value === null || typeof value !== 'object' || segment === '[]') return [];
  const record = value as Record<string, unknown>;
  if (segment === '*') return Object.entries(record);
  return Object.prototype.hasOwnProperty.call(record, segment) ? [[segment, record[segment]]] : [];
}
