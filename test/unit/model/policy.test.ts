/** Host-handing features: refused by default, accepted when the operator allows them. */
import { strict as assert } from 'node:assert';
import type { ModelOptions } from '../../../src/model';
import { isUnder } from '../../../src/model/policy';
import { build, container, deployment, pod, template } from './helpers';

type Obj = Record<string, unknown>;
type Case = [title: string, objs: Obj[], opts: Partial<ModelOptions>, want: [code: string, path: string, message: string][]];

const hostPathPod = (path: string) => pod('p', { volumes: [{ name: 'h', hostPath: { path } }] });
const sc = (securityContext: Obj) => pod('p', { containers: [container({ securityContext })] });
const VOL = 'spec.volumes[0].hostPath.path';
const SC = 'spec.containers[0].securityContext';

const cases: Case[] = [
  ['hostPath refused by default', [hostPathPod('/etc')], {}, [['policy.host-path', VOL, 'hostPath "/etc" is not allowed (allow with --allow-host-path /etc)']]],
  ['hostPath under an allowed prefix', [hostPathPod('/data/x')], { allowHostPath: ['/data'] }, []],
  ['hostPath equal to an allowed prefix', [hostPathPod('/data/')], { allowHostPath: ['/data'] }, []],
  [
    'prefix is segment-aware: /data does not allow /database',
    [hostPathPod('/database')],
    { allowHostPath: ['/data'] },
    [['policy.host-path', VOL, 'hostPath "/database" is not allowed (allow with --allow-host-path /database)']],
  ],
  [
    '".." cannot escape an allowed prefix',
    [hostPathPod('/data/../etc')],
    { allowHostPath: ['/data'] },
    [['policy.host-path', VOL, 'hostPath "/data/../etc" must be an absolute path without ".." segments']],
  ],
  [
    'relative hostPath',
    [hostPathPod('data')],
    { allowHostPath: ['/'] },
    [['policy.host-path', VOL, 'hostPath "data" must be an absolute path without ".." segments']],
  ],
  [
    'docker socket refused under an allowed prefix',
    [hostPathPod('/var/run/docker.sock')],
    { allowHostPath: ['/var/run'] },
    [
      [
        'policy.docker-socket',
        VOL,
        'hostPath "/var/run/docker.sock" is the Docker socket, which hands the whole host to the pod (allow with --allow-host-path /var/run/docker.sock)',
      ],
    ],
  ],
  ['docker socket allowed when named exactly', [hostPathPod('/var/run/docker.sock')], { allowHostPath: ['/var/run/docker.sock'] }, []],
  [
    '/run/docker.sock is the socket too',
    [hostPathPod('/run/docker.sock')],
    { allowHostPath: ['/'] },
    [
      [
        'policy.docker-socket',
        VOL,
        'hostPath "/run/docker.sock" is the Docker socket, which hands the whole host to the pod (allow with --allow-host-path /run/docker.sock)',
      ],
    ],
  ],
  [
    'a directory holding the socket is refused under a wider prefix',
    [hostPathPod('/run')],
    { allowHostPath: ['/'] },
    [
      [
        'policy.docker-socket',
        VOL,
        'hostPath "/run" contains the Docker socket /run/docker.sock, which hands the whole host to the pod (allow with --allow-host-path /run)',
      ],
    ],
  ],
  ['a directory holding the socket, named exactly', [hostPathPod('/run')], { allowHostPath: ['/run'] }, []],
  [
    'privileged refused',
    [sc({ privileged: true })],
    {},
    [['policy.privileged', `${SC}.privileged`, 'privileged containers are not allowed (allow with --allow-privileged)']],
  ],
  ['privileged allowed', [sc({ privileged: true })], { allowPrivileged: true }, []],
  ['privileged: false is fine', [sc({ privileged: false })], {}, []],
  [
    'capabilities.add refused',
    [sc({ capabilities: { add: ['NET_ADMIN'] } })],
    {},
    [
      [
        'policy.capabilities',
        `${SC}.capabilities.add`,
        'capabilities.add [NET_ADMIN] of container "app" is not allowed (beyond Docker\'s default set) (allow with --allow-privileged)',
      ],
    ],
  ],
  ['a default capability added back after drop ALL needs no flag', [sc({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CAP_chown'] } })], {}, []],
  [
    'only the capabilities beyond the default set are named',
    [sc({ capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } })],
    {},
    [
      [
        'policy.capabilities',
        `${SC}.capabilities.add`,
        'capabilities.add [SYS_ADMIN] of container "app" is not allowed (beyond Docker\'s default set) (allow with --allow-privileged)',
      ],
    ],
  ],
  [
    'seccomp Unconfined refused',
    [sc({ seccompProfile: { type: 'Unconfined' } })],
    {},
    [['policy.seccomp', `${SC}.seccompProfile`, 'seccompProfile Unconfined of container "app" is not allowed (allow with --allow-privileged)']],
  ],
  ['seccomp Unconfined allowed', [sc({ seccompProfile: { type: 'Unconfined' } })], { allowPrivileged: true }, []],
  ['seccomp RuntimeDefault is fine', [sc({ seccompProfile: { type: 'RuntimeDefault' } })], {}, []],
  ['capabilities.add allowed', [sc({ capabilities: { add: ['NET_ADMIN'] } })], { allowPrivileged: true }, []],
  ['capabilities.drop is fine', [sc({ capabilities: { drop: ['ALL'] } })], {}, []],
  [
    'hostNetwork refused',
    [pod('p', { hostNetwork: true })],
    {},
    [['policy.host-network', 'spec.hostNetwork', 'hostNetwork is not allowed (allow with --allow-privileged)']],
  ],
  ['hostNetwork allowed', [pod('p', { hostNetwork: true })], { allowPrivileged: true }, []],
  [
    'hostPID refused in a Deployment template',
    [deployment('d', { template: template({ app: 'd' }, { hostPID: true }) })],
    {},
    [['policy.host-pid', 'spec.template.spec.hostPID', 'hostPID is not allowed (allow with --allow-privileged)']],
  ],
  ['hostPID allowed', [deployment('d', { template: template({ app: 'd' }, { hostPID: true }) })], { allowPrivileged: true }, []],
];

describe('model/policy', () => {
  for (const [title, objs, opts, want] of cases) {
    it(title, () => {
      const got = build(objs, opts).problems.filter((p) => p.code.startsWith('policy.'));
      assert.deepEqual(
        got.map((p) => [p.code, p.path, p.message]),
        want,
      );
    });
  }

  const under: [string, string, boolean][] = [
    ['/data/x', '/data', true],
    ['/data', '/data/', true],
    ['/database', '/data', false],
    ['/anything', '/', true],
    ['/dat', '/data', false],
  ];
  for (const [path, prefix, want] of under) it(`isUnder(${path}, ${prefix}) = ${want}`, () => assert.equal(isUnder(path, prefix), want));
});
