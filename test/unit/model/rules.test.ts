/**
 * Each semantic rule with a case that breaks it and one that keeps it. A case lists the
 * field paths expected for one problem code ([] = the rule stays silent).
 */
import { strict as assert } from 'node:assert';
import { build, configMap, container, deployment, namespace, pod, pvc, secret, service, statefulSet, template, withCode } from './helpers';

type Obj = Record<string, unknown>;
type Case = [title: string, objs: Obj[], code: string, paths: string[]];

function runTable(cases: Case[]): void {
  for (const [title, objs, code, paths] of cases) {
    it(title, () =>
      assert.deepEqual(
        withCode(build(objs).problems, code).map((p) => p.path),
        paths,
      ),
    );
  }
}

const envCm = (name: string, key: string, optional?: boolean) => container({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name, key, optional } } }] });
const envSec = (name: string, key: string) => container({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name, key } } }] });
const C0 = 'spec.containers[0]';

describe('model/rules: references', () => {
  runTable([
    [
      'configMapKeyRef to a missing ConfigMap',
      [pod('p', { containers: [envCm('cfg', 'a')] })],
      'ref.configmap',
      [`${C0}.env[0].valueFrom.configMapKeyRef.name`],
    ],
    ['configMapKeyRef to an existing ConfigMap', [pod('p', { containers: [envCm('cfg', 'a')] }), configMap('cfg', { a: '1' })], 'ref.configmap', []],
    ['configMapKeyRef optional and missing', [pod('p', { containers: [envCm('cfg', 'a', true)] })], 'ref.configmap', []],
    [
      'configMapKeyRef to a missing key',
      [pod('p', { containers: [envCm('cfg', 'b')] }), configMap('cfg', { a: '1' })],
      'ref.configmap-key',
      [`${C0}.env[0].valueFrom.configMapKeyRef.key`],
    ],
    [
      'configMapKeyRef to a binaryData key',
      [pod('p', { containers: [envCm('cfg', 'bin')] }), { ...configMap('cfg'), binaryData: { bin: 'AAE=' } }],
      'ref.configmap-key',
      [],
    ],
    [
      'ConfigMap in another namespace does not count',
      [namespace('x'), pod('p', { containers: [envCm('cfg', 'a')] }), configMap('cfg', { a: '1' }, { namespace: 'x' })],
      'ref.configmap',
      [`${C0}.env[0].valueFrom.configMapKeyRef.name`],
    ],
    ['secretKeyRef to a missing Secret', [pod('p', { containers: [envSec('s', 'k')] })], 'ref.secret', [`${C0}.env[0].valueFrom.secretKeyRef.name`]],
    [
      'secretKeyRef to a missing key',
      [pod('p', { containers: [envSec('s', 'k')] }), secret('s', { other: 'v' })],
      'ref.secret-key',
      [`${C0}.env[0].valueFrom.secretKeyRef.key`],
    ],
    ['secretKeyRef fine', [pod('p', { containers: [envSec('s', 'k')] }), secret('s', { k: 'v' })], 'ref.secret', []],
    [
      'envFrom configMapRef missing',
      [pod('p', { containers: [container({ envFrom: [{ configMapRef: { name: 'cfg' } }] })] })],
      'ref.configmap',
      [`${C0}.envFrom[0].configMapRef.name`],
    ],
    [
      'envFrom secretRef missing in an init container',
      [pod('p', { initContainers: [container({ name: 'init', envFrom: [{ secretRef: { name: 's' } }] })] })],
      'ref.secret',
      ['spec.initContainers[0].envFrom[0].secretRef.name'],
    ],
    ['envFrom secretRef optional', [pod('p', { containers: [container({ envFrom: [{ secretRef: { name: 's', optional: true } }] })] })], 'ref.secret', []],
    ['configMap volume missing', [pod('p', { volumes: [{ name: 'v', configMap: { name: 'cfg' } }] })], 'ref.configmap', ['spec.volumes[0].configMap.name']],
    [
      'configMap volume item key missing',
      [
        pod('p', {
          volumes: [
            {
              name: 'v',
              configMap: {
                name: 'cfg',
                items: [
                  { key: 'a', path: 'a' },
                  { key: 'b', path: 'b' },
                ],
              },
            },
          ],
        }),
        configMap('cfg', { a: '1' }),
      ],
      'ref.configmap-key',
      ['spec.volumes[0].configMap.items[1].key'],
    ],
    [
      'secret volume missing in a Deployment',
      [deployment('d', { template: template({ app: 'd' }, { volumes: [{ name: 'v', secret: { secretName: 's' } }] }) })],
      'ref.secret',
      ['spec.template.spec.volumes[0].secret.secretName'],
    ],
    ['secret volume optional', [pod('p', { volumes: [{ name: 'v', secret: { secretName: 's', optional: true } }] })], 'ref.secret', []],
    [
      'PVC volume missing',
      [pod('p', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] })],
      'ref.pvc',
      ['spec.volumes[0].persistentVolumeClaim.claimName'],
    ],
    ['PVC volume present', [pod('p', { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'c' } }] }), pvc('c')], 'ref.pvc', []],
    [
      'locations survive a dropped unsupported volume',
      [
        pod('p', {
          volumes: [
            { name: 'n', nfs: {} },
            { name: 'v', persistentVolumeClaim: { claimName: 'c' } },
          ],
        }),
      ],
      'ref.pvc',
      ['spec.volumes[1].persistentVolumeClaim.claimName'],
    ],
  ]);

  it('the message names the referent and the namespace', () => {
    const [p] = withCode(build([pod('p', { containers: [envCm('cfg', 'a')] })]).problems, 'ref.configmap');
    assert.equal(p.message, 'ConfigMap "cfg" does not exist in namespace "default" (declare it, or set optional: true)');
  });
});

describe('model/rules: selectors', () => {
  runTable([
    [
      'matchLabels subset of template labels',
      [deployment('d', { selector: { matchLabels: { app: 'd' } }, template: template({ app: 'd', tier: 'x' }) })],
      'selector.mismatch',
      [],
    ],
    ['matchLabels value differs', [deployment('d', { selector: { matchLabels: { app: 'other' } } })], 'selector.mismatch', ['spec.selector.matchLabels.app']],
    [
      'matchLabels key absent from template',
      [statefulSet('s', { selector: { matchLabels: { app: 's', role: 'db' } } }), service('s', { clusterIP: 'None' })],
      'selector.mismatch',
      ['spec.selector.matchLabels.role'],
    ],
    [
      'matchExpressions In satisfied',
      [deployment('d', { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['d', 'e'] }] } })],
      'selector.mismatch',
      [],
    ],
    [
      'matchExpressions NotIn violated',
      [deployment('d', { selector: { matchLabels: { app: 'd' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['d'] }] } })],
      'selector.mismatch',
      ['spec.selector.matchExpressions[0]'],
    ],
    [
      'matchExpressions Exists violated',
      [deployment('d', { selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } })],
      'selector.mismatch',
      ['spec.selector.matchExpressions[0]'],
    ],
    [
      'matchExpressions DoesNotExist satisfied',
      [deployment('d', { selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } })],
      'selector.mismatch',
      [],
    ],
    ['empty selector', [deployment('d', { selector: {} })], 'selector.empty', ['spec.selector']],
    ['non-empty selector', [deployment('d')], 'selector.empty', []],
  ]);
});

describe('model/rules: pod structure', () => {
  const mount = (name: string, mountPath = '/m') => ({ name, mountPath });
  runTable([
    ['volumeMount names no volume', [pod('p', { containers: [container({ volumeMounts: [mount('nope')] })] })], 'ref.volume', [`${C0}.volumeMounts[0].name`]],
    [
      'volumeMount names a volume',
      [pod('p', { volumes: [{ name: 'v', emptyDir: {} }], containers: [container({ volumeMounts: [mount('v')] })] })],
      'ref.volume',
      [],
    ],
    [
      'volumeMount names a volumeClaimTemplate',
      [
        statefulSet('s', {
          template: template({ app: 's' }, { containers: [container({ volumeMounts: [mount('data')] })] }),
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: {} }],
        }),
        service('s', { clusterIP: 'None' }),
      ],
      'ref.volume',
      [],
    ],
    ['duplicate container names (init and main)', [pod('p', { initContainers: [container()], containers: [container()] })], 'dup.container', [`${C0}.name`]],
    ['distinct container names', [pod('p', { containers: [container(), container({ name: 'side' })] })], 'dup.container', []],
    [
      'duplicate volume names',
      [
        pod('p', {
          volumes: [
            { name: 'v', emptyDir: {} },
            { name: 'v', emptyDir: {} },
          ],
        }),
      ],
      'dup.volume',
      ['spec.volumes[1].name'],
    ],
    [
      'duplicate mountPath in one container',
      [
        pod('p', {
          volumes: [
            { name: 'a', emptyDir: {} },
            { name: 'b', emptyDir: {} },
          ],
          containers: [container({ volumeMounts: [mount('a', '/x'), mount('b', '/x/')] })],
        }),
      ],
      'dup.mount-path',
      [`${C0}.volumeMounts[1].mountPath`],
    ],
    [
      'same mountPath in two containers',
      [
        pod('p', {
          volumes: [{ name: 'a', emptyDir: {} }],
          containers: [container({ volumeMounts: [mount('a', '/x')] }), container({ name: 'b', volumeMounts: [mount('a', '/x')] })],
        }),
      ],
      'dup.mount-path',
      [],
    ],
  ]);
});

describe('model/rules: named ports', () => {
  const web = (extra: Obj = {}) => container({ ports: [{ name: 'http', containerPort: 8080 }], ...extra });
  const dep = (c: Obj) => deployment('web', { template: template({ app: 'web' }, { containers: [c] }) });
  runTable([
    ['probe port names a port of the container', [dep(web({ readinessProbe: { httpGet: { port: 'http' } } }))], 'port.name', []],
    [
      'probe port names no port',
      [dep(web({ livenessProbe: { tcpSocket: { port: 'admin' } } }))],
      'port.name',
      ['spec.template.spec.containers[0].livenessProbe.tcpSocket.port'],
    ],
    ['service targetPort name resolves', [dep(web()), service('web', { ports: [{ port: 80, targetPort: 'http' }] })], 'port.name', []],
    [
      'service targetPort name unknown',
      [dep(web()), service('web', { ports: [{ port: 80, targetPort: 'https' }] })],
      'port.name',
      ['spec.ports[0].targetPort'],
    ],
    [
      'service targetPort resolves in one of two selected workloads',
      [dep(web()), pod('web-debug', {}, { labels: { app: 'web' } }), service('web', { ports: [{ port: 80, targetPort: 'http' }] })],
      'port.name',
      [],
    ],
    ['numeric targetPort is not checked by name', [dep(web()), service('web', { ports: [{ port: 80, targetPort: 9999 }] })], 'port.name', []],
    ['service selector matches no workload', [dep(web()), service('api')], 'service.no-workload', ['spec.selector']],
    ['service selector matches a workload', [dep(web()), service('web')], 'service.no-workload', []],
    [
      'service selector matches only another namespace',
      [namespace('x'), deployment('web', {}, { namespace: 'x' }), service('web')],
      'service.no-workload',
      ['spec.selector'],
    ],
  ]);
  it('no-workload is a warning', () =>
    assert.deepEqual(
      withCode(build([service('api')]).problems, 'service.no-workload').map((p) => p.severity),
      ['warning'],
    ));
});

describe('model/rules: host ports', () => {
  const np = (name: string, nodePort?: number, extra: Obj = {}) => service(name, { type: 'NodePort', ports: [{ port: 80, nodePort }], ...extra });
  const hp = (name: string, hostPort: number, protocol = 'TCP') =>
    pod(name, { containers: [container({ ports: [{ containerPort: 80, hostPort, protocol }] })] });
  const pods = [deployment('a'), deployment('b')];
  runTable([
    ['two services, same nodePort', [...pods, np('a', 30080), np('b', 30080)], 'port.clash', ['spec.ports[0].nodePort']],
    ['two services, different nodePorts', [...pods, np('a', 30080), np('b', 30081)], 'port.clash', []],
    [
      'LoadBalancer port vs another LoadBalancer port',
      [
        ...pods,
        service('a', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30001 }] }),
        service('b', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30002 }] }),
      ],
      'port.clash',
      ['spec.ports[0].port'],
    ],
    ['ClusterIP services share a port freely', [...pods, service('a'), service('b')], 'port.clash', []],
    [
      'same nodePort, different protocols',
      [...pods, np('a', 30053), service('b', { type: 'NodePort', ports: [{ port: 53, nodePort: 30053, protocol: 'UDP' }] })],
      'port.clash',
      [],
    ],
    ['two pods, same hostPort', [hp('p', 8080), hp('q', 8080)], 'port.clash', [`${C0}.ports[0].hostPort`]],
    ['two pods, same hostPort, TCP and UDP', [hp('p', 8080), hp('q', 8080, 'UDP')], 'port.clash', []],
    ['hostPort vs nodePort', [...pods, np('a', 30080), hp('p', 30080)], 'port.clash', [`${C0}.ports[0].hostPort`]],
    [
      'hostPort on a Deployment of 2 replicas',
      [deployment('d', { replicas: 2, template: template({ app: 'd' }, { containers: [container({ ports: [{ containerPort: 80, hostPort: 8080 }] })] }) })],
      'port.clash',
      ['spec.template.spec.containers[0].ports[0].hostPort'],
    ],
  ]);

  it('the clash message names the first claimant and its place', () => {
    const [p] = withCode(build([...pods, np('a', 30080), np('b', 30080)]).problems, 'port.clash');
    assert.match(p.message, /^host port 30080\/TCP is already claimed by Service "a" \(test\.yaml:\d+\)$/);
  });
  it('UDP service ports are accepted', () => {
    const r = build([deployment('dns'), service('dns', { type: 'LoadBalancer', ports: [{ port: 53, protocol: 'UDP' }] })]);
    assert.deepEqual(r.problems, []);
  });

  describe('nodePort assignment', () => {
    const objs = [...pods, np('a'), np('b', 31000), service('b2', { type: 'LoadBalancer', selector: { app: 'b' }, ports: [{ port: 8443 }] })];
    const first = build(objs).desired.services;
    const ports = (svcs: typeof first) => svcs.map((s) => s.ports.map((p) => p.nodePort));
    it('every NodePort/LoadBalancer port gets one, in 30000-32767', () =>
      assert.deepEqual(
        first.flatMap((s) => s.ports.map((p) => p.nodePort! >= 30000 && p.nodePort! <= 32767)),
        [true, true, true],
      ));
    it('an explicit nodePort is kept', () => assert.equal(first[1].ports[0].nodePort, 31000));
    it('the same input gets the same ports', () => assert.deepEqual(ports(build(objs).desired.services), ports(first)));
    it('document order does not matter', () => assert.deepEqual(ports(build([...objs].reverse()).desired.services), ports(first)));
    it('a taken preferred port is skipped', () => {
      const preferred = first[0].ports[0].nodePort!;
      const r = build([...pods, np('a'), np('b', preferred)]);
      assert.deepEqual([r.problems, r.desired.services[0].ports[0].nodePort === preferred], [[], false]);
    });
    it('ClusterIP services get none', () => assert.equal(build([deployment('a'), service('a')]).desired.services[0].ports[0].nodePort, undefined));
  });
});

describe('model/rules: workloads', () => {
  const sts = statefulSet('db');
  runTable([
    ['serviceName names no Service', [sts], 'ref.service', ['spec.serviceName']],
    ['serviceName names a headless Service', [sts, service('db', { clusterIP: 'None' })], 'ref.service', []],
    ['serviceName names a non-headless Service', [sts, service('db')], 'service.not-headless', ['spec.serviceName']],
    ['serviceName names a headless Service: no warning', [sts, service('db', { clusterIP: 'None' })], 'service.not-headless', []],
    [
      'maxSurge and maxUnavailable both 0',
      [deployment('d', { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })],
      'strategy.invalid',
      ['spec.strategy.rollingUpdate.maxUnavailable'],
    ],
    ['maxSurge 0, maxUnavailable 1', [deployment('d', { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } })], 'strategy.invalid', []],
    [
      'maxUnavailable over 100%',
      [deployment('d', { strategy: { rollingUpdate: { maxUnavailable: '150%' } } })],
      'strategy.invalid',
      ['spec.strategy.rollingUpdate.maxUnavailable'],
    ],
  ]);
});
