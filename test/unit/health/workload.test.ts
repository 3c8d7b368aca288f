import { strict as assert } from 'node:assert';
import { deploymentHealth, statefulSetHealth, type PodView } from '../../../src/health/workload';
import type { DeploymentResource, StatefulSetResource } from '../../../src/model/types';

const meta = { name: 'web', namespace: 'default', labels: {}, annotations: {}, source: { file: 'web.yaml', line: 1, col: 1 } };
const deployment = (over: Partial<DeploymentResource> = {}) =>
  ({ kind: 'Deployment', meta, replicas: 3, templateHash: 'new', minReadySeconds: 0, progressDeadlineSeconds: 600, ...over }) as DeploymentResource;
const sts = (over: Partial<StatefulSetResource> = {}) =>
  ({
    kind: 'StatefulSet',
    meta: { ...meta, name: 'db' },
    replicas: 2,
    templateHash: 'new',
    minReadySeconds: 0,
    updateStrategy: { type: 'RollingUpdate', partition: 0 },
    ...over,
  }) as StatefulSetResource;

const pod = (name: string, specHash: string, over: Partial<PodView> = {}): PodView => ({
  ownerKey: 'Deployment/default/web',
  namespace: 'default',
  name,
  specHash,
  running: true,
  ready: true,
  readySince: 0,
  restarts: 0,
  ...over,
});

describe('workload health', () => {
  const now = 100_000;
  const cases: { name: string; got: () => { health: string; message: string }; health: string; message: RegExp }[] = [
    {
      name: 'deployment-healthy',
      got: () => deploymentHealth(deployment(), [pod('a', 'new'), pod('b', 'new'), pod('c', 'new')], now),
      health: 'Healthy',
      message: /^3 of 3 replicas are available$/,
    },
    {
      name: 'deployment-progressing-old-pods-left',
      got: () => deploymentHealth(deployment(), [pod('a', 'new'), pod('b', 'new'), pod('c', 'new'), pod('o', 'old')], now),
      health: 'Progressing',
      message: /1 old replica/,
    },
    {
      name: 'deployment-progressing-not-ready',
      got: () => deploymentHealth(deployment(), [pod('a', 'new'), pod('b', 'new', { ready: false, readySince: undefined, reason: 'HTTP 503' })], now),
      health: 'Progressing',
      message: /1 of 3 updated replicas are available \(b: HTTP 503\)/,
    },
    {
      name: 'deployment-min-ready-not-reached',
      got: () => deploymentHealth(deployment({ replicas: 1, minReadySeconds: 10 }), [pod('a', 'new', { readySince: now - 5000 })], now),
      health: 'Progressing',
      message: /0 of 1/,
    },
    {
      name: 'deployment-crashloop',
      got: () => deploymentHealth(deployment(), [pod('a', 'new', { restarts: 3, ready: false, reason: 'exit code 1' })], now),
      health: 'Degraded',
      message: /pod a restarted 3 times: exit code 1/,
    },
    {
      name: 'deployment-old-crashloop-is-not-the-new-revision-s-fault',
      got: () => deploymentHealth(deployment({ replicas: 1 }), [pod('a', 'new'), pod('o', 'old', { restarts: 9 })], now),
      health: 'Progressing',
      message: /1 old replica/,
    },
    {
      name: 'statefulset-healthy',
      got: () => statefulSetHealth(sts(), [pod('db-0', 'new', { ordinal: 0 }), pod('db-1', 'new', { ordinal: 1 })], now),
      health: 'Healthy',
      message: /2 of 2 pods are ready/,
    },
    {
      name: 'statefulset-partition-keeps-old-below',
      got: () =>
        statefulSetHealth(
          sts({ updateStrategy: { type: 'RollingUpdate', partition: 1 } }),
          [pod('db-0', 'old', { ordinal: 0 }), pod('db-1', 'new', { ordinal: 1 })],
          now,
        ),
      health: 'Healthy',
      message: /2 of 2/,
    },
    {
      name: 'statefulset-updating',
      got: () => statefulSetHealth(sts(), [pod('db-0', 'new', { ordinal: 0 }), pod('db-1', 'old', { ordinal: 1 })], now),
      health: 'Progressing',
      message: /1 of 2 pods are ready/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const h = c.got();
      assert.equal(h.health, c.health, h.message);
      assert.match(h.message, c.message);
    });
  }
});
