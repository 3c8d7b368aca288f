import { strict as assert } from 'node:assert';
import type { Container, PodSpec } from '../../../src/model';
import { build, configMap, container, deployment, namespace, pod, pvc, secret, service, statefulSet, template } from './helpers';

const BASE_CONTAINER: Container = {
  name: 'app',
  image: 'berth-test/busybox:1.36',
  imagePullPolicy: 'IfNotPresent',
  command: undefined,
  args: undefined,
  workingDir: undefined,
  env: [],
  envFrom: [],
  ports: [],
  volumeMounts: [],
  resources: { limits: {}, requests: {} },
  readinessProbe: undefined,
  livenessProbe: undefined,
  startupProbe: undefined,
  securityContext: { privileged: false, capabilitiesAdd: [], capabilitiesDrop: [], readOnlyRootFilesystem: false },
  stdin: false,
  tty: false,
};

const BASE_SPEC: PodSpec = {
  containers: [BASE_CONTAINER],
  initContainers: [],
  volumes: [],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  hostNetwork: false,
  hostPID: false,
};

describe('model/defaults', () => {
  describe('Deployment', () => {
    const { desired, problems } = build([deployment('web')]);
    const d = desired.deployments[0];
    it('has no problems', () => assert.deepEqual(problems, []));
    const table: [string, unknown, unknown][] = [
      ['namespace', d.meta.namespace, 'default'],
      ['replicas', d.replicas, 1],
      ['strategy', d.strategy, { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' }],
      ['minReadySeconds', d.minReadySeconds, 0],
      ['progressDeadlineSeconds', d.progressDeadlineSeconds, 600],
      ['revisionHistoryLimit', d.revisionHistoryLimit, 10],
      ['paused', d.paused, false],
      ['template spec', d.template.spec, BASE_SPEC],
      ['templateHash', /^[0-9a-f]{10}$/.test(d.templateHash), true],
    ];
    for (const [field, got, want] of table) it(`${field}`, () => assert.deepEqual(got, want));

    it('partial rollingUpdate keeps the other default', () => {
      const r = build([deployment('web', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } })]);
      assert.deepEqual(r.desired.deployments[0].strategy, { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: '25%' });
    });
    it('Recreate has no rolling parameters', () => {
      const r = build([deployment('web', { strategy: { type: 'Recreate' } })]);
      assert.deepEqual(r.desired.deployments[0].strategy, { type: 'Recreate' });
    });
    it('a template restartPolicy other than Always is an error', () => {
      const r = build([deployment('web', { template: template({ app: 'web' }, { restartPolicy: 'Never' }) })]);
      assert.deepEqual(
        r.problems.map((p) => [p.code, p.path]),
        [['pod.restart-policy', 'spec.template.spec.restartPolicy']],
      );
    });
  });

  describe('StatefulSet', () => {
    const objs = [statefulSet('db'), service('db', { clusterIP: 'None' })];
    const { desired, problems } = build(objs);
    const s = desired.statefulSets[0];
    it('has no problems', () => assert.deepEqual(problems, []));
    const table: [string, unknown, unknown][] = [
      ['replicas', s.replicas, 1],
      ['podManagementPolicy', s.podManagementPolicy, 'OrderedReady'],
      ['updateStrategy', s.updateStrategy, { type: 'RollingUpdate', partition: 0 }],
      ['progressDeadlineSeconds', s.progressDeadlineSeconds, 600],
      ['minReadySeconds', s.minReadySeconds, 0],
      ['volumeClaimTemplates', s.volumeClaimTemplates, []],
      ['template restartPolicy', s.template.spec.restartPolicy, 'Always'],
    ];
    for (const [field, got, want] of table) it(`${field}`, () => assert.deepEqual(got, want));

    it('the progress-deadline annotation overrides 600', () => {
      const r = build([statefulSet('db', {}, { annotations: { 'berth.io/progress-deadline-seconds': '120' } }), service('db', { clusterIP: 'None' })]);
      assert.equal(r.desired.statefulSets[0].progressDeadlineSeconds, 120);
    });
    it('a malformed progress-deadline annotation is an error', () => {
      const r = build([statefulSet('db', {}, { annotations: { 'berth.io/progress-deadline-seconds': 'soon' } }), service('db', { clusterIP: 'None' })]);
      assert.deepEqual(
        r.problems.map((p) => p.code),
        ['annotation.invalid'],
      );
    });
    it('volumeClaimTemplates: storage in bytes, accessModes default', () => {
      const vct = { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } };
      const r = build([statefulSet('db', { volumeClaimTemplates: [vct] }), service('db', { clusterIP: 'None' })]);
      assert.deepEqual(r.desired.statefulSets[0].volumeClaimTemplates, [{ name: 'data', accessModes: ['ReadWriteOnce'], storageBytes: 2 ** 30 }]);
    });
  });

  describe('Pod', () => {
    const probe = { httpGet: { port: 8080 } };
    const c = container({
      ports: [{ containerPort: 8080 }],
      readinessProbe: probe,
      resources: { limits: { memory: '64Mi', cpu: '500m' } },
    });
    const { desired, problems } = build([pod('p', { containers: [c], restartPolicy: 'OnFailure' })]);
    const got = desired.pods[0];
    const gotC = got.spec.containers[0];
    it('has no problems', () => assert.deepEqual(problems, []));
    const table: [string, unknown, unknown][] = [
      ['restartPolicy given is kept', got.spec.restartPolicy, 'OnFailure'],
      ['terminationGracePeriodSeconds', got.spec.terminationGracePeriodSeconds, 30],
      ['port protocol', gotC.ports, [{ containerPort: 8080, protocol: 'TCP' }]],
      [
        'probe defaults',
        gotC.readinessProbe,
        {
          handler: { type: 'httpGet', path: '/', port: 8080, scheme: 'HTTP', httpHeaders: [] },
          initialDelaySeconds: 0,
          periodSeconds: 10,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 3,
        },
      ],
      [
        'limits converted, request defaults to limit',
        gotC.resources,
        { limits: { memoryBytes: 64 * 2 ** 20, nanoCpus: 500_000_000 }, requests: { memoryBytes: 64 * 2 ** 20, nanoCpus: 500_000_000 } },
      ],
      ['specHash', /^[0-9a-f]{10}$/.test(got.specHash), true],
    ];
    for (const [field, got2, want] of table) it(`${field}`, () => assert.deepEqual(got2, want));

    it('restartPolicy defaults to Always', () => assert.equal(build([pod('p')]).desired.pods[0].spec.restartPolicy, 'Always'));
    it('pod securityContext.runAsUser is inherited by containers', () => {
      const r = build([pod('p', { securityContext: { runAsUser: 1000 } })]);
      assert.equal(r.desired.pods[0].spec.containers[0].securityContext.runAsUser, 1000);
    });
    it('a request above its limit is an error', () => {
      const r = build([pod('p', { containers: [container({ resources: { limits: { memory: '64Mi' }, requests: { memory: '1Gi' } } })] })]);
      assert.deepEqual(
        r.problems.map((p) => [p.code, p.path]),
        [['resources.request-above-limit', 'spec.containers[0].resources.requests.memory']],
      );
    });
    it('a probe without handler is an error', () => {
      const r = build([pod('p', { containers: [container({ livenessProbe: { periodSeconds: 5 } })] })]);
      assert.deepEqual(
        r.problems.map((p) => p.code),
        ['probe.handler'],
      );
    });
  });

  describe('volumes', () => {
    const volumes = [
      { name: 'scratch', emptyDir: {} },
      { name: 'conf', configMap: { name: 'cm' } },
      { name: 'creds', secret: { secretName: 'sec' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'claim' } },
    ];
    const { desired, problems } = build([pod('p', { volumes }), configMap('cm'), secret('sec'), pvc('claim')]);
    it('has no problems', () => assert.deepEqual(problems, []));
    it('defaults applied', () =>
      assert.deepEqual(desired.pods[0].spec.volumes, [
        { name: 'scratch', type: 'emptyDir', medium: '' },
        { name: 'conf', type: 'configMap', configMapName: 'cm', defaultMode: 420, optional: false },
        { name: 'creds', type: 'secret', secretName: 'sec', defaultMode: 420, optional: false },
        { name: 'data', type: 'persistentVolumeClaim', claimName: 'claim', readOnly: false },
      ]));
    it('an unsupported volume type is an error', () => {
      const r = build([pod('p', { volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] })]);
      assert.deepEqual(
        r.problems.map((p) => [p.code, p.path]),
        [['volume.unsupported', 'spec.volumes[0]']],
      );
    });
  });

  describe('Service', () => {
    const { desired } = build([service('web', { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 5353 }] }), deployment('web')]);
    it('type ClusterIP, protocol TCP, targetPort = port', () =>
      assert.deepEqual(
        { type: desired.services[0].type, ports: desired.services[0].ports },
        {
          type: 'ClusterIP',
          ports: [
            { port: 80, protocol: 'TCP', targetPort: 80 },
            { port: 53, protocol: 'UDP', targetPort: 5353 },
          ],
        },
      ));
  });

  describe('PersistentVolumeClaim', () => {
    it('storage in bytes', () => assert.equal(build([pvc('c')]).desired.persistentVolumeClaims[0].storageBytes, 2 ** 30));
  });

  describe('Namespaces and ordering', () => {
    const { desired } = build([
      namespace('shop'),
      configMap('b', {}, { namespace: 'shop' }),
      configMap('z'),
      configMap('a', {}, { namespace: 'shop' }),
      configMap('a'),
    ]);
    it('the implicit default namespace is always present', () =>
      assert.deepEqual(
        build([]).desired.namespaces.map((n) => [n.meta.name, n.meta.source]),
        [['default', { file: '', line: 0, col: 0 }]],
      ));
    it('declared namespaces join default, sorted', () =>
      assert.deepEqual(
        desired.namespaces.map((n) => n.meta.name),
        ['default', 'shop'],
      ));
    it('lists sort by namespace then name', () =>
      assert.deepEqual(
        desired.configMaps.map((c) => `${c.meta.namespace}/${c.meta.name}`),
        ['default/a', 'default/z', 'shop/a', 'shop/b'],
      ));
    it('meta.source is the metadata.name value', () => {
      const r = build('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n');
      assert.deepEqual(r.desired.configMaps[0].meta.source, { file: 'test.yaml', line: 4, col: 9 });
    });
  });
});
