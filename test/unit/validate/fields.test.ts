/**
 * Fields Kubernetes accepts that berth used to reject, and values Kubernetes refuses that
 * berth used to let through: each with the exact FILE:LINE:COL line a person reads.
 */
import { strict as assert } from 'node:assert';
import { validateText } from './helpers';

const pod = (container: string, spec = '') => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
  - name: c
${container}`;

const SERVICE = (ports: string, type = 'NodePort') => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ${type}
  selector: {app: web}
  ports:
${ports}`;

const NO_WORKLOAD = [
  't.yaml:7:13: warning: spec.selector: selector app=web matches no Pod, Deployment or StatefulSet in namespace "default" [service.no-workload]',
];

/** [title, yaml, the problem lines expected (warnings included), accepted?] */
const CASES: [string, string, string[], boolean][] = [
  [
    'an image placeholder is refused, with the value quoted',
    pod('    image: <your-private-image>\n'),
    [
      't.yaml:8:12: spec.containers[0].image: invalid value "<your-private-image>": is not an image reference like nginx:1.27 or registry.example.com/team/app@sha256:... [image.invalid]',
    ],
    false,
  ],
  [
    'an upper-case repository is refused with a hint',
    pod('    image: MyApp:1.0\n'),
    [
      't.yaml:8:12: spec.containers[0].image: invalid value "MyApp:1.0": is not an image reference like nginx:1.27 or registry.example.com/team/app@sha256:... (repository names are lowercase) [image.invalid]',
    ],
    false,
  ],
  ['registry with port, path, tag and digest are fine', pod(`    image: registry.example.com:5000/team/app:v1.2@sha256:${'a'.repeat(64)}\n`), [], true],
  [
    "subPath with '..' is refused at validation",
    pod(
      '    image: busybox\n    volumeMounts:\n    - name: v\n      mountPath: /data\n      subPath: ../../etc\n',
      '  volumes:\n  - name: v\n    emptyDir: {}\n',
    ),
    [
      "t.yaml:15:16: spec.containers[0].volumeMounts[0].subPath: invalid value \"../../etc\": must be a relative path that stays inside the volume (no leading '/', no '..') [schema.pattern]",
    ],
    false,
  ],
  [
    'an absolute subPath is refused at validation',
    pod('    image: busybox\n    volumeMounts:\n    - name: v\n      mountPath: /data\n      subPath: /etc\n', '  volumes:\n  - name: v\n    emptyDir: {}\n'),
    [
      "t.yaml:15:16: spec.containers[0].volumeMounts[0].subPath: invalid value \"/etc\": must be a relative path that stays inside the volume (no leading '/', no '..') [schema.pattern]",
    ],
    false,
  ],
  [
    'a subPath with dots inside a name is fine',
    pod(
      '    image: busybox\n    volumeMounts:\n    - name: v\n      mountPath: /data\n      subPath: a/..b/c..\n',
      '  volumes:\n  - name: v\n    emptyDir: {}\n',
    ),
    [],
    true,
  ],
  [
    'an extended resource is a warning, a typo of a standard one an error',
    pod('    image: busybox\n    resources:\n      limits:\n        example.com/foo: 1\n        memroy: 1Gi\n'),
    ['t.yaml:12:9: spec.containers[0].resources.limits.memroy: unknown field "memroy" (did you mean "memory"?) [schema.unknown-field]'],
    false,
  ],
  [
    'an extended resource alone: accepted with a warning',
    pod('    image: busybox\n    resources:\n      limits:\n        example.com/foo: 1\n'),
    [
      't.yaml:11:26: warning: spec.containers[0].resources.limits.example.com/foo: extended resource "example.com/foo" is not provided on a Docker host: ignored (only nvidia.com/gpu becomes a Docker GPU request) [resources.extended]',
    ],
    true,
  ],
  ['nvidia.com/gpu: accepted without a warning', pod('    image: busybox\n    resources:\n      limits:\n        nvidia.com/gpu: 2\n'), [], true],
  [
    'nvidia.com/gpu must be whole',
    pod('    image: busybox\n    resources:\n      limits:\n        nvidia.com/gpu: 500m\n'),
    ['t.yaml:11:25: spec.containers[0].resources.limits.nvidia.com/gpu: invalid value "500m": nvidia.com/gpu must be a whole number of GPUs [resources.gpu]'],
    false,
  ],
  [
    'a Service port name of 40 characters (Kubernetes allows 63)',
    SERVICE('  - port: 80\n    name: metrics-and-health-of-the-web-frontend\n', 'ClusterIP'),
    NO_WORKLOAD,
    true,
  ],
  ['nodePort 0 is allocated like an omitted one', SERVICE('  - port: 80\n    nodePort: 0\n'), NO_WORKLOAD, true],
  [
    'emptyDir.mode (a recent field, sticky bit included) is accepted and said to be ignored',
    pod('    image: busybox\n', '  volumes:\n  - name: tmp\n    emptyDir:\n      mode: 01777\n'),
    ['t.yaml:9:7: warning: spec.volumes[0].emptyDir.mode: field "emptyDir.mode" has no meaning on a single Docker host and is ignored [schema.ignored-field]'],
    true,
  ],
  [
    'an SCTP container port with a hostPort: accepted, with the kernel it needs said',
    pod('    image: busybox\n    ports:\n    - containerPort: 9999\n      hostPort: 39999\n      protocol: SCTP\n'),
    [
      "t.yaml:12:17: warning: spec.containers[0].ports[0].protocol: hostPort 39999/SCTP needs SCTP support in the host's kernel (the sctp module); without it Docker refuses to start the pod [port.sctp-host]",
    ],
    true,
  ],
  [
    'an SCTP container port without a hostPort needs nothing',
    pod('    image: busybox\n    ports:\n    - containerPort: 9999\n      protocol: SCTP\n'),
    [],
    true,
  ],
];

describe('validate: fields as Kubernetes validates them', () => {
  for (const [title, yaml, want, ok] of CASES) {
    it(title, async () => {
      const { outcome, lines } = await validateText(yaml);
      assert.deepEqual({ ok: outcome.ok, lines }, { ok, lines: want });
    });
  }

  it('nodePort 0 or omitted gets the same port from 30000-32767 every time (derived, so stable across restarts)', async () => {
    const ports = async (p: string) => {
      const { outcome } = await validateText(SERVICE(p));
      assert.ok(outcome.ok);
      return outcome.desired.services[0].ports.map((x) => x.nodePort);
    };
    const zero = await ports('  - port: 80\n    nodePort: 0\n');
    const omitted = await ports('  - port: 80\n');
    assert.deepEqual(zero, omitted);
    assert.ok(zero[0]! >= 30000 && zero[0]! <= 32767, String(zero[0]));
    assert.deepEqual(await ports('  - port: 80\n'), omitted);
  });

  it('a StatefulSet volume that a claim template of the same name overrides is accepted, as Kubernetes does', async () => {
    const { outcome, lines } = await validateText(`apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
  - port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: postgres:16
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: data
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`);
    assert.ok(outcome.ok, lines.join('\n'));
    assert.deepEqual(outcome.desired.statefulSets[0].template.spec.volumes, [], 'the claim template replaces the pod volume');
  });
});
