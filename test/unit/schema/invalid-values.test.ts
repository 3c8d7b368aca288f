/**
 * Bad values, one small manifest each: names, ports, quantities, percentages, base64,
 * enums, types, labels. The exact errors a person reads (file:line:col, field path,
 * sentence) and their codes.
 */
import { strict as assert } from 'node:assert';
import { errorLines, type ErrorCase } from './helpers';

const CASES: ErrorCase[] = [
  {
    name: 'bad metadata.name (DNS-1123 subdomain)',
    yaml: `apiVersion: v1
kind: Secret
metadata:
  name: My_Secret
`,
    errors: [
      "t.yaml:4:9: metadata.name: invalid value \"My_Secret\": must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters [schema.pattern]",
    ],
  },
  {
    name: 'Namespace names are DNS-1123 labels: no dots',
    yaml: `apiVersion: v1
kind: Namespace
metadata:
  name: team.a
`,
    errors: [
      't.yaml:4:9: metadata.name: invalid value "team.a": must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters [schema.pattern]',
    ],
  },
  {
    name: 'name too long for a label',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: ${'a'.repeat(64)}
    image: nginx
`,
    errors: [
      't.yaml:7:11: spec.containers[0].name: invalid value "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa": must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters [schema.length]',
    ],
  },
  {
    name: 'port 0 and port 70000',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 0
    - containerPort: 70000
      hostPort: 8080
`,
    errors: [
      't.yaml:10:22: spec.containers[0].ports[0].containerPort: invalid value 0: must be a port number 1-65535 [schema.range]',
      't.yaml:11:22: spec.containers[0].ports[1].containerPort: invalid value 70000: must be a port number 1-65535 [schema.range]',
    ],
  },
  {
    name: 'service targetPort neither a port nor a port name',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    targetPort: Http_Port
`,
    errors: ['t.yaml:9:17: spec.ports[0].targetPort: invalid value "Http_Port": must be a port number 1-65535 or a port name like http [schema.format]'],
  },
  {
    name: 'port names: a container port over 15 characters, a Service port over 63 (Kubernetes allows 63 there), a Service port SCTP',
    yaml: `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
    name: metrics-and-health-of-the-web-frontend
  - port: 81
    name: ${'m'.repeat(64)}
  - port: 82
    protocol: SCTP
---
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 80
      name: metrics-and-health
`,
    errors: [
      `t.yaml:11:11: spec.ports[1].name: invalid value "${'m'.repeat(64)}": must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters [schema.length]`,
      't.yaml:13:15: spec.ports[2].protocol: invalid value "SCTP": must be TCP or UDP: berth\'s Service proxy carries TCP and UDP, not SCTP (an SCTP containerPort with a hostPort is published directly) [schema.enum]',
      "t.yaml:25:13: spec.containers[0].ports[0].name: invalid value \"metrics-and-health\": must be a port name: at most 15 lowercase letters, digits and '-', with at least one letter, not starting or ending with '-' and without '--' [schema.length]",
    ],
  },
  {
    name: 'bad quantities',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    resources:
      limits:
        cpu: half
        memory: 64MB
`,
    errors: [
      't.yaml:11:14: spec.containers[0].resources.limits.cpu: invalid value "half": must be a quantity like 100m or 64Mi [schema.format]',
      't.yaml:12:17: spec.containers[0].resources.limits.memory: invalid value "64MB": must be a quantity like 100m or 64Mi [schema.format]',
    ],
  },
  {
    name: 'bad int-or-percent',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    rollingUpdate:
      maxSurge: 25 %
      maxUnavailable: -1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
`,
    errors: [
      't.yaml:8:17: spec.strategy.rollingUpdate.maxSurge: invalid value "25 %": must be an integer or a percentage like 25% [schema.format]',
      't.yaml:9:23: spec.strategy.rollingUpdate.maxUnavailable: invalid value -1: must be an integer or a percentage like 25% [schema.format]',
    ],
  },
  {
    name: 'bad base64 in Secret data and ConfigMap binaryData',
    yaml: `apiVersion: v1
kind: Secret
metadata:
  name: creds
data:
  password: hunter2
  token: dG9rZW4=
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: blobs
binaryData:
  logo: "not base64!"
`,
    errors: [
      't.yaml:6:13: data.password: must be base64-encoded (standard alphabet, padded with =) [schema.format]',
      't.yaml:14:9: binaryData.logo: invalid value "not base64!": must be base64-encoded (standard alphabet, padded with =) [schema.format]',
    ],
  },
  {
    name: 'wrong enum values, with a hint for a near miss',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: Sometimes
  containers:
  - name: web
    image: nginx
    imagePullPolicy: ifNotPresent
    ports:
    - containerPort: 53
      protocol: sctp
`,
    errors: [
      't.yaml:6:18: spec.restartPolicy: invalid value "Sometimes": must be one of Always, OnFailure, Never [schema.enum]',
      't.yaml:10:22: spec.containers[0].imagePullPolicy: invalid value "ifNotPresent": must be one of Always, IfNotPresent, Never (did you mean "IfNotPresent"?) [schema.enum]',
      't.yaml:13:17: spec.containers[0].ports[0].protocol: invalid value "sctp": must be one of TCP, UDP, SCTP (did you mean "SCTP"?) [schema.enum]',
    ],
  },
  {
    name: 'wrong types: a number where a string belongs, a quoted number where an integer belongs',
    yaml: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx
        env:
        - name: PORT
          value: 8080
`,
    errors: [
      't.yaml:6:13: spec.replicas: invalid value "3": must be an integer (remove the quotes) [schema.type]',
      't.yaml:16:18: spec.template.spec.containers[0].env[0].value: invalid value 8080: must be a string (quote it: "8080") [schema.type]',
    ],
  },
  {
    name: 'bad label key and value',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    "team name": web
    tier: "front end"
`,
    errors: [
      "t.yaml:6:5: metadata.labels.team name: must be a valid key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit [schema.pattern]",
      "t.yaml:7:11: metadata.labels.tier: invalid value \"front end\": must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty) [schema.pattern]",
    ],
  },
  {
    name: 'env value and valueFrom together; an unknown fieldRef path',
    yaml: `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
    env:
    - name: NODE
      value: here
      valueFrom:
        fieldRef: {fieldPath: spec.node}
`,
    errors: [
      't.yaml:10:7: spec.containers[0].env[0]: must not set both value and valueFrom [schema.one-of]',
      "t.yaml:13:31: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: invalid value \"spec.node\": must be one of metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs [schema.pattern]",
    ],
  },
  {
    name: 'StatefulSet: bad claim template name, bad partition',
    yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  updateStrategy:
    rollingUpdate: {partition: -1}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres}]
  volumeClaimTemplates:
  - metadata: {name: Data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`,
    errors: [
      't.yaml:9:32: spec.updateStrategy.rollingUpdate.partition: invalid value -1: must be at least 0 [schema.range]',
      't.yaml:15:22: spec.volumeClaimTemplates[0].metadata.name: invalid value "Data": must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters [schema.pattern]',
    ],
  },
  {
    name: 'ConfigMap data value that YAML read as a number',
    yaml: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  port: 8080
  debug: true
`,
    errors: [
      't.yaml:6:9: data.port: invalid value 8080: must be a string (quote it: "8080") [schema.type]',
      't.yaml:7:10: data.debug: invalid value true: must be a string (quote it: "true") [schema.type]',
    ],
  },
];

describe('schema: invalid values', () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(errorLines(c.yaml), { valid: 0, errors: c.errors }));
  }
});
