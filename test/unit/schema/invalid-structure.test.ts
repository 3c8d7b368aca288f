/**
 * Bad structure, one small manifest each: unknown fields, kind and apiVersion, missing
 * fields, fields that exclude each other, sources berth cannot provide. The exact errors a
 * person reads (file:line:col, field path, sentence) and their codes.
 */
import { strict as assert } from 'node:assert';
import { errorLines, type ErrorCase } from './helpers';

const CASES: ErrorCase[] = [
  {
    name: 'unknown field, with a hint, and the field it should have been',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    imagee: nginx
`,
    errors: [
      't.yaml:7:5: spec.containers[0].image: is required [schema.required]',
      't.yaml:8:5: spec.containers[0].imagee: unknown field "imagee" (did you mean "image"?) [schema.unknown-field]',
    ],
  },
  {
    name: 'unknown field far from every known one: no hint',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  colour: blue
`,
    errors: ['t.yaml:5:3: metadata.colour: unknown field "colour" [schema.unknown-field]'],
  },
  {
    name: 'apiVersion that does not serve the kind',
    yaml: `apiVersion: v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`,
    errors: ['t.yaml:1:13: apiVersion: apiVersion "v1" does not serve kind Deployment (use apps/v1) [schema.api-version]'],
  },
  {
    name: 'apiVersion of another API group',
    yaml: `apiVersion: apps/v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
`,
    errors: ['t.yaml:1:13: apiVersion: apiVersion "apps/v1" does not serve kind Service (use v1) [schema.api-version]'],
  },
  {
    name: 'apiVersion missing',
    yaml: `kind: StatefulSet
metadata:
  name: db
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
`,
    errors: ['t.yaml:1:1: apiVersion: is required (use apps/v1 for StatefulSet) [schema.required]'],
  },
  {
    name: 'unknown kind, with a hint and the supported kinds',
    yaml: `apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: web
`,
    errors: [
      't.yaml:2:7: kind: unknown kind "Deploymnet" (did you mean "Deployment"?): berth supports Namespace, ConfigMap, Secret, PersistentVolumeClaim, Service, Pod, Deployment, StatefulSet, DaemonSet, Ingress, IngressClass, Job, CronJob [schema.kind]',
    ],
  },
  {
    name: 'kind missing',
    yaml: `apiVersion: v1
metadata:
  name: web
`,
    errors: [
      't.yaml:1:1: kind: is required (berth supports Namespace, ConfigMap, Secret, PersistentVolumeClaim, Service, Pod, Deployment, StatefulSet, DaemonSet, Ingress, IngressClass, Job, CronJob) [schema.required]',
    ],
  },
  {
    name: 'metadata.name missing: pointed at metadata',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  labels: {app: web}
`,
    errors: ['t.yaml:3:1: metadata.name: is required [schema.required]'],
  },
  {
    name: 'missing containers: pointed at the pod spec',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      restartPolicy: Always
`,
    errors: ['t.yaml:9:5: spec.template.spec.containers: is required [schema.required]'],
  },
  {
    name: 'empty containers',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers: []
`,
    errors: ['t.yaml:6:3: spec.containers: must have at least one item [schema.items]'],
  },
  {
    name: 'probe with two handlers, probe with none',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    livenessProbe:
      exec: {command: [true]}
      httpGet: {port: 80}
    readinessProbe:
      periodSeconds: 5
`,
    errors: [
      't.yaml:9:5: spec.containers[0].livenessProbe: must set exactly one of exec, httpGet, tcpSocket [schema.one-of]',
      't.yaml:10:24: spec.containers[0].livenessProbe.exec.command[0]: must be a string (quote it: "true") [schema.type]',
      't.yaml:12:5: spec.containers[0].readinessProbe: must set exactly one of exec, httpGet, tcpSocket [schema.one-of]',
    ],
  },
  {
    name: 'two volume sources in one volume; a relative hostPath',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers: [{name: web, image: nginx}]
  volumes:
  - name: data
    emptyDir: {}
    hostPath:
      path: srv/data
`,
    errors: [
      't.yaml:8:5: spec.volumes[0]: must set only one volume source (emptyDir, configMap, secret, persistentVolumeClaim or hostPath) [schema.one-of]',
      't.yaml:11:13: spec.volumes[0].hostPath.path: must be an absolute path (starting with /) [schema.pattern]',
    ],
  },
  {
    name: 'a volume type berth cannot provide',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers: [{name: web, image: nginx}]
  volumes:
  - name: shared
    nfs:
      server: nfs.example.com
      path: /exports
`,
    errors: [
      't.yaml:9:5: spec.volumes[0].nfs: this volume type is not supported on a Docker host (use emptyDir, configMap, secret, persistentVolumeClaim or hostPath) [schema.unsupported]',
    ],
  },
  {
    name: 'a grpc probe',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    readinessProbe:
      grpc: {port: 9090}
`,
    errors: ['t.yaml:10:7: spec.containers[0].readinessProbe.grpc: grpc probes are not supported on a Docker host (use exec, httpGet or tcpSocket) [schema.unsupported]'],
  },
  {
    name: 'rollingUpdate with a Recreate strategy',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: Recreate
    rollingUpdate: {maxSurge: 1}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`,
    errors: ['t.yaml:8:5: spec.strategy.rollingUpdate: may not be set when strategy type is Recreate [schema.one-of]'],
  },
  {
    name: 'ExternalName service without externalName; ClusterIP service without ports',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
`,
    errors: [
      't.yaml:5:1: spec.externalName: is required when type is ExternalName [schema.required]',
      't.yaml:12:1: spec.ports: is required unless type is ExternalName or clusterIP is None (headless) [schema.required]',
    ],
  },
  {
    name: 'PVC: block volume mode, missing storage request',
    yaml: `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  volumeMode: Block
  resources:
    requests: {}
`,
    errors: [
      't.yaml:7:15: spec.volumeMode: must be Filesystem (block volumes do not exist on a Docker host) [schema.enum]',
      't.yaml:9:5: spec.resources.requests.storage: is required [schema.required]',
    ],
  },
  {
    name: 'a document that is not a mapping',
    yaml: `- apiVersion: v1
  kind: Pod
`,
    errors: ['t.yaml:1:1: must be a mapping of fields (apiVersion, kind, metadata, ...) [schema.type]'],
  },
];

describe('schema: invalid structure', () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(errorLines(c.yaml), { valid: 0, errors: c.errors }));
  }
});
