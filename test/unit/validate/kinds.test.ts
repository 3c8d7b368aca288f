/**
 * Kinds that mean nothing on one Docker host: each validates against its own schema and is
 * accepted with exactly one warning saying what is not enforced; a typo in one is still an
 * error at FILE:LINE; other kinds and custom resources stay errors.
 */
import { strict as assert } from 'node:assert';
import { KINDS } from '../../../src/model/types';
import { validateText } from './helpers';

const INERT: [kind: string, yaml: string, says: RegExp][] = [
  ['ServiceAccount', 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\nautomountServiceAccountToken: false\n', /no API token is mounted/],
  [
    'Role',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get, list]\n',
    /RBAC rules grant and deny nothing/,
  ],
  [
    'ClusterRole',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: "system:reader"\nrules:\n- nonResourceURLs: ["/healthz"]\n  verbs: [get]\n',
    /RBAC/,
  ],
  [
    'RoleBinding',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\nsubjects:\n- kind: ServiceAccount\n  name: app\nroleRef:\n  kind: Role\n  name: reader\n  apiGroup: rbac.authorization.k8s.io\n',
    /RBAC/,
  ],
  [
    'ClusterRoleBinding',
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: read\nroleRef:\n  kind: ClusterRole\n  name: reader\n  apiGroup: rbac.authorization.k8s.io\n',
    /RBAC/,
  ],
  [
    'PodDisruptionBudget',
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 50%\n  selector:\n    matchLabels: {app: web}\n',
    /budget is not enforced/,
  ],
  [
    'HorizontalPodAutoscaler',
    'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n',
    /nothing is autoscaled/,
  ],
  [
    'HorizontalPodAutoscaler (autoscaling/v1)',
    'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 50\n',
    /nothing is autoscaled/,
  ],
  [
    'NetworkPolicy',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n',
    /traffic is NOT restricted/,
  ],
  [
    'LimitRange',
    'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\nspec:\n  limits:\n  - type: Container\n    default: {memory: 512Mi}\n',
    /no default requests or limits are applied/,
  ],
  [
    'ResourceQuota',
    'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n  hard: {pods: "10", requests.cpu: "4"}\n',
    /no quota is counted or enforced/,
  ],
  [
    'StorageClass',
    'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: k8s.io/minikube-hostpath\nreclaimPolicy: Retain\n',
    /every PersistentVolumeClaim is a local Docker volume/,
  ],
  [
    'PriorityClass',
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000000\nglobalDefault: false\n',
    /priorities and preemption do nothing/,
  ],
];

describe('validate: kinds without effect on one Docker host', () => {
  for (const [kind, yaml, says] of INERT) {
    it(`${kind}: accepted with one warning at the kind`, async () => {
      const { outcome, lines } = await validateText(yaml);
      assert.ok(outcome.ok, lines.join('\n'));
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0], /^t\.yaml:2:7: warning: kind: \w+ is accepted but has no effect on a Docker host: /);
      assert.match(lines[0], says);
      assert.equal(outcome.desired.pods.length + outcome.desired.services.length, 0, 'nothing is built from it');
    });
  }

  const BAD: [title: string, yaml: string, want: string][] = [
    [
      'a typo in a NetworkPolicy',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelecter: {}\n',
      't.yaml:6:3: error: spec.podSelecter: unknown field "podSelecter" (did you mean "podSelector"?) [schema.unknown-field]',
    ],
    [
      'a RoleBinding without roleRef',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: read\nsubjects: []\n',
      't.yaml:1:1: error: roleRef: is required [schema.required]',
    ],
    [
      'a PDB with both budgets',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n  maxUnavailable: 1\n',
      't.yaml:5:1: error: spec: must not set both minAvailable and maxUnavailable [schema.one-of]',
    ],
    [
      'an HPA at a removed apiVersion',
      'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 2\n',
      't.yaml:1:13: error: apiVersion: apiVersion "autoscaling/v2beta2" does not serve kind HorizontalPodAutoscaler (use autoscaling/v2 or autoscaling/v1) [schema.api-version]',
    ],
    [
      'a quoted PriorityClass value',
      'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: "1000"\n',
      't.yaml:5:8: error: value: invalid value "1000": must be an integer (remove the quotes) [schema.type]',
    ],
    [
      'a custom resource',
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n',
      `t.yaml:2:7: error: kind: unknown kind "Certificate": berth supports ${KINDS.join(', ')} [schema.kind]`,
    ],
  ];
  for (const [title, yaml, want] of BAD) {
    it(`${title}: an error at FILE:LINE`, async () => {
      const { outcome, lines } = await validateText(yaml);
      assert.equal(outcome.ok, false);
      assert.ok(lines.includes(want.replace(': error: ', ': ')), `want\n  ${want}\ngot\n  ${lines.join('\n  ')}`);
    });
  }
});
