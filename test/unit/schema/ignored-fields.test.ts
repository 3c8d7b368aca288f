/**
 * Kubernetes fields with no meaning on one Docker host: accepted, and named in a warning;
 * fields a cluster writes: accepted quietly; sources berth cannot provide: errors. The table
 * in src/schema/ignored.ts and the permissive entries of the schemas must agree.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateDocuments } from '../../../src/schema';
import { FIELD_RULES, matches, type Anchor } from '../../../src/schema/ignored';
import { formatProblem } from '../../../src/util/problems';
import { docsFromYaml } from './helpers';

const IGNORED = 'has no meaning on a single Docker host and is ignored';

interface Case {
  name: string;
  yaml: string;
  /** formatProblem lines of every problem (warnings and errors). */
  problems: string[];
}

const CASES: Case[] = [
  {
    name: 'scheduling and service-account fields of a pod template, at the pod template spec',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      affinity:
        nodeAffinity: {}
      tolerations:
      - key: dedicated
        operator: Equal
      nodeSelector: {disktype: ssd}
      serviceAccountName: web
      priorityClassName: high
      containers: [{name: web, image: nginx}]
`,
    problems: [
      `t.yaml:11:7: warning: spec.template.spec.affinity: field "affinity" ${IGNORED}`,
      `t.yaml:13:7: warning: spec.template.spec.tolerations: field "tolerations" ${IGNORED}`,
      `t.yaml:16:7: warning: spec.template.spec.nodeSelector: field "nodeSelector" ${IGNORED}`,
      `t.yaml:17:7: warning: spec.template.spec.serviceAccountName: field "serviceAccountName" ${IGNORED}`,
      `t.yaml:18:7: warning: spec.template.spec.priorityClassName: field "priorityClassName" ${IGNORED}`,
    ],
  },
  {
    name: 'container-level fields, in init containers too; requests warn that only limits count',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  initContainers:
  - name: init
    image: busybox
    terminationMessagePolicy: FallbackToLogsOnError
  containers:
  - name: web
    image: nginx
    resources:
      requests: {cpu: 100m}
      limits: {cpu: 200m}
    securityContext:
      runAsUser: 1000
      seccompProfile: {type: RuntimeDefault}
`,
    problems: [
      `t.yaml:9:5: warning: spec.initContainers[0].terminationMessagePolicy: field "terminationMessagePolicy" ${IGNORED}`,
      't.yaml:14:7: warning: spec.containers[0].resources.requests: field "resources.requests" is accepted, but only limits are enforced on a Docker host',
    ],
  },
  {
    name: 'metadata fields: generateName/finalizers/ownerReferences warn, cluster-written ones are quiet',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  generateName: settings-
  finalizers: [example.com/cleanup]
  ownerReferences: []
  uid: 6f1e2d4c-0000-4000-8000-000000000000
  resourceVersion: "42"
  creationTimestamp: "2024-01-01T00:00:00Z"
data: {}
`,
    problems: [
      `t.yaml:5:3: warning: metadata.generateName: field "generateName" ${IGNORED}`,
      `t.yaml:6:3: warning: metadata.finalizers: field "finalizers" ${IGNORED}`,
      `t.yaml:7:3: warning: metadata.ownerReferences: field "ownerReferences" ${IGNORED}`,
    ],
  },
  {
    name: 'StatefulSet: template metadata, claim template metadata and spec, the set spec',
    yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  revisionHistoryLimit: 3
  selector: {matchLabels: {app: db}}
  template:
    metadata:
      labels: {app: db}
      finalizers: [x]
    spec:
      containers: [{name: db, image: postgres}]
  volumeClaimTemplates:
  - metadata:
      name: data
      ownerReferences: []
    spec:
      accessModes: [ReadWriteOnce]
      volumeName: pv-1
      resources: {requests: {storage: 1Gi}}
status:
  replicas: 1
`,
    problems: [
      `t.yaml:6:3: warning: spec.revisionHistoryLimit: field "revisionHistoryLimit" ${IGNORED}`,
      `t.yaml:11:7: warning: spec.template.metadata.finalizers: field "finalizers" ${IGNORED}`,
      `t.yaml:17:7: warning: spec.volumeClaimTemplates[0].metadata.ownerReferences: field "ownerReferences" ${IGNORED}`,
      `t.yaml:20:7: warning: spec.volumeClaimTemplates[0].spec.volumeName: field "volumeName" ${IGNORED}`,
    ],
  },
  {
    name: 'Service fields of a cloud load balancer',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  loadBalancerSourceRanges: [10.0.0.0/8]
  selector: {app: web}
  ports:
  - port: 443
    appProtocol: https
`,
    problems: [
      `t.yaml:7:3: warning: spec.loadBalancerSourceRanges: field "loadBalancerSourceRanges" ${IGNORED}`,
      `t.yaml:11:5: warning: spec.ports[0].appProtocol: field "appProtocol" ${IGNORED}`,
    ],
  },
  {
    name: 'an env var from resourceFieldRef is accepted; a projected serviceAccountToken warns',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    env:
    - name: LIMIT
      valueFrom:
        resourceFieldRef: {resource: limits.memory, divisor: 1Mi}
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken: {path: token}
      - downwardAPI:
          items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
`,
    problems: [`t.yaml:17:9: warning: spec.volumes[0].projected.sources[0].serviceAccountToken: field "serviceAccountToken" ${IGNORED}`],
  },
];

describe('schema: fields with no meaning on one Docker host', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const { problems } = validateDocuments(docsFromYaml(c.yaml, 't.yaml'));
      assert.deepEqual(problems.map(formatProblem), c.problems);
    });
  }

  it('a document with only warnings is valid', () => {
    const { valid, problems } = validateDocuments(docsFromYaml(CASES[0].yaml, 't.yaml'));
    assert.deepEqual([valid.length, problems.length], [1, 5]);
  });
});

describe('schema: matches (wildcard paths over a document)', () => {
  const body = { spec: { containers: [{ name: 'a', securityContext: { x: 1, y: 2 } }, { name: 'b' }], volumes: { notAList: 1 } } };
  const CASES: [string[], (string | number)[][]][] = [
    [
      ['spec', 'containers', '[]', 'name'],
      [
        ['spec', 'containers', 0, 'name'],
        ['spec', 'containers', 1, 'name'],
      ],
    ],
    [
      ['spec', 'containers', '[]', 'securityContext', '*'],
      [
        ['spec', 'containers', 0, 'securityContext', 'x'],
        ['spec', 'containers', 0, 'securityContext', 'y'],
      ],
    ],
    [['spec', 'volumes', '[]'], []], // '[]' matches list items only
    [['spec', 'missing'], []],
    [[], [[]]],
  ];
  for (const [pattern, want] of CASES) {
    it(`${pattern.join('.') || '(root)'} -> ${want.length} path(s)`, () => assert.deepEqual(matches(body, pattern), want));
  }
});

// ---- the table and the schemas agree ----

type Json = Record<string, unknown>;
const DIR = path.resolve(__dirname, '../../../../schemas');
const FILES = new Map(fs.readdirSync(DIR).map((f) => [f, JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Json]));

/** The schema object(s) each anchor of the table stands for. */
const ANCHOR_SCHEMAS: Record<Anchor, string[]> = {
  object: [
    'namespace.json#',
    'pod.json#',
    'deployment.json#',
    'statefulset.json#',
    'service.json#',
    'persistentvolumeclaim.json#',
    'daemonset.json#',
    'ingress.json#',
    'ingressclass.json#',
    'job.json#',
    'cronjob.json#',
  ],
  metadata: ['defs.json#/$defs/ObjectMeta'],
  podSpec: ['defs.json#/$defs/PodSpec'],
  container: ['defs.json#/$defs/Container'],
  probe: ['defs.json#/$defs/Probe'],
  envVar: ['defs.json#/$defs/EnvVar'],
  volume: ['defs.json#/$defs/Volume'],
  volumeProjection: ['defs.json#/$defs/VolumeProjection'],
  volumeMount: ['defs.json#/$defs/VolumeMount'],
  serviceSpec: ['service.json#/$defs/ServiceSpec'],
  servicePort: ['service.json#/$defs/ServicePort'],
  pvcSpec: ['defs.json#/$defs/PersistentVolumeClaimSpec'],
  statefulSetSpec: ['statefulset.json#/$defs/StatefulSetSpec'],
  jobSpec: ['job.json#/$defs/JobSpec'],
  namespaceSpec: ['namespace.json#/properties/spec'],
  daemonSetSpec: ['daemonset.json#/$defs/DaemonSetSpec'],
  ingressClassSpec: ['ingressclass.json#/$defs/IngressClassSpec'],
};

/** Resolve `file#/json/pointer`, then follow `$ref`s (relative to the file they are in). */
function resolve(ref: string, fromFile: string): [Json, string] {
  const [file, pointer = ''] = ref.split('#');
  const inFile = file || fromFile;
  let node = FILES.get(inFile) as unknown;
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Json)[part];
  const schema = node as Json;
  return typeof schema.$ref === 'string' ? resolve(schema.$ref, inFile) : [schema, inFile];
}

const ANCHOR_OBJECTS = new Set(Object.values(ANCHOR_SCHEMAS).flatMap((refs) => refs.map((ref) => resolve(ref, '')[0])));

/**
 * Every property reachable through `properties` (not list items), with its dotted path;
 * not descending into another anchor's schema (its own rules cover it).
 */
function* properties(schema: Json, file: string, prefix = ''): Generator<[string, Json]> {
  for (const [name, sub] of Object.entries((schema.properties as Record<string, Json>) ?? {})) {
    const [target, targetFile] = typeof sub.$ref === 'string' ? resolve(sub.$ref, file) : [sub, file];
    yield [`${prefix}${name}`, target];
    if (!ANCHOR_OBJECTS.has(target)) yield* properties(target, targetFile, `${prefix}${name}.`);
  }
}

const isPermissive = (s: Json) => Object.keys(s).every((k) => k === 'description' || k === 'title');

describe('schema: the field table and the schemas agree', () => {
  it('every field of the table is a property of the schema its anchor stands for', () => {
    const dangling = FIELD_RULES.filter((rule) => {
      const fields = ANCHOR_SCHEMAS[rule.anchor].flatMap((ref) => [...properties(...resolve(ref, ''))].map(([f]) => f));
      const wanted = rule.field.endsWith('.*') ? rule.field.slice(0, -2) : rule.field;
      return !fields.includes(wanted);
    });
    assert.deepEqual(dangling, []);
  });

  it('every permissive entry of the schemas has a rule, so nothing is accepted silently', () => {
    const ruled = new Set(FIELD_RULES.map((r) => `${r.anchor}:${r.field}`));
    const unruled: string[] = [];
    for (const [anchor, refs] of Object.entries(ANCHOR_SCHEMAS)) {
      for (const ref of refs) {
        for (const [field, schema] of properties(...resolve(ref, ''))) {
          const parentWildcard = `${anchor}:${field.split('.').slice(0, -1).join('.')}.*`;
          if (isPermissive(schema) && !ruled.has(`${anchor}:${field}`) && !ruled.has(parentWildcard)) unruled.push(`${ref} ${field}`);
        }
      }
    }
    assert.deepEqual(unruled, []);
  });
});
