import * as assert from 'assert';
import { toCreateBody } from '../../../src/runtime/createBody';
import type { ContainerCreateSpec } from '../../../src/runtime/types';

function spec(over: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
  return {
    name: 'web-1',
    image: 'img:1',
    labels: { 'io.berth.instance': 'i' },
    env: ['A=1'],
    network: { type: 'network', network: 'ns-default', aliases: ['web', 'web.default.svc.cluster.local'] },
    mounts: [],
    ports: [],
    restartPolicy: 'always',
    privileged: false,
    capAdd: [],
    capDrop: [],
    readOnlyRootfs: false,
    tty: false,
    openStdin: false,
    extraHosts: [],
    ...over,
  };
}

describe('runtime/createBody', () => {
  it('maps every field of a full spec', () => {
    const body = toCreateBody(
      spec({
        entrypoint: ['/bin/sh', '-c'],
        cmd: ['echo hi'],
        workingDir: '/srv',
        hostname: 'web-1',
        domainname: 'default.svc',
        user: '1000:1000',
        tty: true,
        openStdin: true,
        stopTimeout: 7,
        memoryBytes: 64 * 1024 * 1024,
        nanoCpus: 500_000_000,
        restartPolicy: 'on-failure',
        privileged: true,
        capAdd: ['NET_ADMIN'],
        capDrop: ['ALL'],
        readOnlyRootfs: true,
        pidMode: 'host',
        extraHosts: ['db:10.0.0.2'],
        groupAdd: ['4000'],
        securityOpt: ['no-new-privileges'],
        imageUserCheck: { runAsNonRoot: true },
        mounts: [
          { type: 'volume', source: 'data', target: '/data', readOnly: false },
          { type: 'bind', source: '/host/cfg', target: '/cfg', readOnly: true },
          { type: 'tmpfs', source: 'ignored', target: '/run', readOnly: false },
        ],
        ports: [
          { containerPort: 80, protocol: 'tcp', hostPort: 8080, hostIp: '' },
          { containerPort: 80, protocol: 'tcp', hostPort: 8081, hostIp: '127.0.0.1' },
          { containerPort: 53, protocol: 'udp', hostPort: 0, hostIp: '' },
        ],
      }),
    );
    assert.deepStrictEqual(body, {
      name: 'web-1',
      Image: 'img:1',
      Labels: { 'io.berth.instance': 'i' },
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: ['echo hi'],
      Env: ['A=1'],
      WorkingDir: '/srv',
      Hostname: 'web-1',
      Domainname: 'default.svc',
      User: '1000:1000',
      Tty: true,
      OpenStdin: true,
      StopTimeout: 7,
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      HostConfig: {
        NetworkMode: 'ns-default',
        Mounts: [
          { Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false },
          { Type: 'bind', Source: '/host/cfg', Target: '/cfg', ReadOnly: true },
          { Type: 'tmpfs', Target: '/run', ReadOnly: false },
        ],
        PortBindings: {
          '80/tcp': [
            { HostIp: '', HostPort: '8080' },
            { HostIp: '127.0.0.1', HostPort: '8081' },
          ],
          '53/udp': [{ HostIp: '', HostPort: '' }],
        },
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 },
        Privileged: true,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['ALL'],
        ReadonlyRootfs: true,
        PidMode: 'host',
        ExtraHosts: ['db:10.0.0.2'],
        GroupAdd: ['4000'],
        SecurityOpt: ['no-new-privileges'],
      },
      NetworkingConfig: { EndpointsConfig: { 'ns-default': { Aliases: ['web', 'web.default.svc.cluster.local'] } } },
    });
  });

  const modes: Array<[string, ContainerCreateSpec['network'], string, boolean]> = [
    ['user network', { type: 'network', network: 'n1', aliases: [] }, 'n1', true],
    ['container namespace', { type: 'container', container: 'abc123' }, 'container:abc123', false],
    ['host', { type: 'host' }, 'host', false],
    ['none', { type: 'none' }, 'none', false],
  ];
  for (const [what, network, mode, endpoints] of modes) {
    it(`network mode: ${what} -> ${mode}`, () => {
      const body = toCreateBody(spec({ network }));
      assert.strictEqual(body.HostConfig.NetworkMode, mode);
      assert.strictEqual(body.NetworkingConfig !== undefined, endpoints);
    });
  }

  it('leaves image defaults alone when optional fields are absent', () => {
    const body = toCreateBody(spec());
    for (const k of ['Entrypoint', 'Cmd', 'WorkingDir', 'Hostname', 'User', 'StopTimeout', 'ExposedPorts'] as const) {
      assert.strictEqual(body[k], undefined, k);
    }
    assert.strictEqual(body.HostConfig.PortBindings, undefined);
    assert.strictEqual(body.HostConfig.Memory, undefined);
    assert.deepStrictEqual(body.HostConfig.RestartPolicy, { Name: 'always', MaximumRetryCount: 0 });
  });
});
