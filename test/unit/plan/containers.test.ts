import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { Container, PodSpec, Volume } from '../../../src/model/types';
import type { Action, CreatePodAction } from '../../../src/plan/types';
import type { ContainerCreateSpec } from '../../../src/runtime/types';
import { configMap, container, ctx, desired, pod, podSpec, secret } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

function created(spec: PodSpec): { create: CreatePodAction; actions: Action[]; warnings: string[] } {
  const d = desired({
    configMaps: [configMap('cm', { 'a.conf': 'A', 'b.conf': 'B' })],
    secrets: [secret('sec', { key: 'v' })],
    pods: [pod('p', spec)],
  });
  const p = plan(d, EMPTY, ctx());
  return { create: p.actions.find((a): a is CreatePodAction => a.type === 'create-pod')!, actions: p.actions, warnings: p.warnings };
}
const one = (c: Partial<Container>, s: Partial<PodSpec> = {}): ContainerCreateSpec => created(podSpec([container('c', 'c:1', c)], s)).create.containers[0];
const mountOf = (vol: Volume, mount: Partial<{ subPath: string; readOnly: boolean }> = {}) =>
  one({ volumeMounts: [{ name: vol.name, mountPath: '/m', readOnly: false, ...mount }] }, { volumes: [vol] }).mounts;

describe('plan: Kubernetes fields on Docker', () => {
  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: 'command -> entrypoint, args -> cmd',
      got: () => [one({ command: ['a'], args: ['b'] }).entrypoint, one({ command: ['a'], args: ['b'] }).cmd],
      want: [['a'], ['b']],
    },
    { name: 'no command: image entrypoint kept', got: () => 'entrypoint' in one({}), want: false },
    {
      name: 'limits -> memoryBytes/nanoCpus',
      got: () => {
        const s = one({ resources: { limits: { memoryBytes: 64 << 20, nanoCpus: 5e8 }, requests: {} } });
        return [s.memoryBytes, s.nanoCpus];
      },
      want: [64 << 20, 5e8],
    },
    { name: 'restartPolicy Always -> always', got: () => one({}, { restartPolicy: 'Always' }).restartPolicy, want: 'always' },
    { name: 'restartPolicy OnFailure -> on-failure', got: () => one({}, { restartPolicy: 'OnFailure' }).restartPolicy, want: 'on-failure' },
    { name: 'restartPolicy Never -> no', got: () => one({}, { restartPolicy: 'Never' }).restartPolicy, want: 'no' },
    { name: 'terminationGracePeriodSeconds -> stopTimeout', got: () => one({}, { terminationGracePeriodSeconds: 7 }).stopTimeout, want: 7 },
    {
      name: 'securityContext',
      got: () => {
        const s = one({
          securityContext: {
            privileged: true,
            capabilitiesAdd: ['NET_ADMIN'],
            capabilitiesDrop: ['ALL'],
            runAsUser: 1000,
            runAsGroup: 100,
            readOnlyRootFilesystem: true,
          },
        });
        return [s.privileged, s.capAdd, s.capDrop, s.user, s.readOnlyRootfs];
      },
      want: [true, ['NET_ADMIN'], ['ALL'], '1000:100', true],
    },
    { name: 'hostNetwork -> host network mode', got: () => one({}, { hostNetwork: true }).network, want: { type: 'host' } },
    { name: 'hostPID -> pidMode host', got: () => one({}, { hostPID: true }).pidMode, want: 'host' },
    {
      name: 'hostPort -> port binding',
      got: () =>
        one({
          ports: [
            { containerPort: 80, protocol: 'TCP', hostPort: 8080 },
            { containerPort: 53, protocol: 'UDP', hostPort: 5353, hostIP: '127.0.0.1' },
            { containerPort: 9, protocol: 'TCP' },
          ],
        }).ports,
      want: [
        { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '' },
        { containerPort: 53, protocol: 'udp', hostPort: 5353, hostIp: '127.0.0.1' },
      ],
    },
    {
      name: 'several containers: host ports published on the infra container',
      got: () => {
        const c = created(podSpec([container('a', 'a:1', { ports: [{ containerPort: 80, protocol: 'TCP', hostPort: 8080 }] }), container('b', 'b:1')])).create;
        return [c.infra?.ports.map((p) => p.hostPort), c.containers.map((x) => x.ports.length)];
      },
      want: [[8080], [0, 0]],
    },
    { name: 'hostname is the pod name', got: () => one({}).hostname, want: 'p' },
    {
      name: 'subdomain -> domainname',
      got: () => one({}, { subdomain: 'sub' }).domainname,
      want: 'sub.default.svc.cluster.local',
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));
});

describe('plan: volumes on Docker', () => {
  const cases: { name: string; got: () => unknown; want: unknown }[] = [
    {
      name: 'emptyDir -> pod volume',
      got: () => mountOf({ name: 'e', type: 'emptyDir', medium: '' }),
      want: [{ type: 'volume', source: 'berth_unit_default_p_e', target: '/m', readOnly: false }],
    },
    {
      name: 'emptyDir Memory -> tmpfs',
      got: () => mountOf({ name: 'e', type: 'emptyDir', medium: 'Memory' }),
      want: [{ type: 'tmpfs', source: '', target: '/m', readOnly: false }],
    },
    {
      name: 'PVC -> named volume, readOnly honoured',
      got: () => mountOf({ name: 'v', type: 'persistentVolumeClaim', claimName: 'data', readOnly: true }),
      want: [{ type: 'volume', source: 'berth_unit_default_pvc_data', target: '/m', readOnly: true }],
    },
    {
      name: 'hostPath -> bind',
      got: () => mountOf({ name: 'h', type: 'hostPath', path: '/srv/x' }),
      want: [{ type: 'bind', source: '/srv/x', target: '/m', readOnly: false }],
    },
    {
      name: 'configMap -> read-only bind of its files, subPath a file inside',
      got: () => {
        const [m] = mountOf({ name: 'c', type: 'configMap', configMapName: 'cm', defaultMode: 0o644, optional: false }, { subPath: 'a.conf' });
        return [m.type, m.readOnly, /^\/var\/lib\/berth\/files\/unit\/default\/configmap\/cm\/[0-9a-f]{16}\/a\.conf$/.test(m.source)];
      },
      want: ['bind', true, true],
    },
    { name: 'subPath escaping the volume: not mounted', got: () => mountOf({ name: 'h', type: 'hostPath', path: '/srv' }, { subPath: '../etc' }), want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(c.got(), c.want));

  const files = (vol: Volume) => {
    const { actions } = created(podSpec([container('c', 'c:1', { volumeMounts: [{ name: vol.name, mountPath: '/m', readOnly: true }] })], { volumes: [vol] }));
    return actions.flatMap((a) =>
      a.type === 'write-files' ? a.files.map((f) => `${f.path} ${f.mode.toString(8)} ${Buffer.from(f.contentBase64, 'base64')}`) : [],
    );
  };
  const fileCases: { name: string; vol: Volume; want: string[] }[] = [
    {
      name: 'configMap: every key, defaultMode',
      vol: { name: 'c', type: 'configMap', configMapName: 'cm', defaultMode: 0o640, optional: false },
      want: ['a.conf 640 A', 'b.conf 640 B'],
    },
    {
      name: 'configMap items select and rename',
      vol: { name: 'c', type: 'configMap', configMapName: 'cm', defaultMode: 0o644, optional: false, items: [{ key: 'b.conf', path: 'conf/renamed' }] },
      want: ['conf/renamed 644 B'],
    },
    { name: 'secret: mode 0400', vol: { name: 's', type: 'secret', secretName: 'sec', defaultMode: 0o644, optional: false }, want: ['key 400 v'] },
    {
      name: 'optional missing configMap: empty directory',
      vol: { name: 'c', type: 'configMap', configMapName: 'nope', defaultMode: 0o644, optional: true },
      want: [],
    },
  ];
  for (const c of fileCases) it(`files: ${c.name}`, () => assert.deepEqual(files(c.vol), c.want));

  it('files: an item path leaving the directory is refused with a warning', () => {
    const vol: Volume = {
      name: 'c',
      type: 'configMap',
      configMapName: 'cm',
      defaultMode: 0o644,
      optional: false,
      items: [{ key: 'a.conf', path: '../../etc/passwd' }],
    };
    const r = created(podSpec([container('c', 'c:1', { volumeMounts: [{ name: 'c', mountPath: '/m', readOnly: true }] })], { volumes: [vol] }));
    assert.deepEqual([files(vol), r.warnings.some((w) => w.includes('../../etc/passwd'))], [[], true]);
  });
});
