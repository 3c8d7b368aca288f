import * as assert from 'assert';
import { describeAddress, EngineAddress, resolveEngineAddress } from '../../../src/runtime/address';
import { isBerthError } from '../../../src/util/errors';

describe('runtime/address', () => {
  const cases: Array<[string, { socketPath?: string; host?: string }, NodeJS.ProcessEnv, EngineAddress]> = [
    ['default socket', {}, {}, { kind: 'socket', socketPath: '/var/run/docker.sock' }],
    ['DOCKER_HOST unix', {}, { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, { kind: 'socket', socketPath: '/run/user/1000/docker.sock' }],
    ['DOCKER_HOST tcp', {}, { DOCKER_HOST: 'tcp://10.0.0.5:2375' }, { kind: 'tcp', host: '10.0.0.5', port: 2375, tls: false, certPath: undefined }],
    ['tcp without port', {}, { DOCKER_HOST: 'tcp://dockerhost' }, { kind: 'tcp', host: 'dockerhost', port: 2375, tls: false, certPath: undefined }],
    [
      'tcp with TLS',
      {},
      { DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' },
      { kind: 'tcp', host: 'h', port: 2376, tls: true, certPath: '/certs' },
    ],
    ['explicit socket beats env', { socketPath: '/s.sock' }, { DOCKER_HOST: 'tcp://h:1' }, { kind: 'socket', socketPath: '/s.sock' }],
    ['explicit host beats env', { host: 'unix:///a.sock' }, { DOCKER_HOST: 'tcp://h:1' }, { kind: 'socket', socketPath: '/a.sock' }],
  ];
  for (const [name, opts, env, want] of cases) {
    it(name, () => assert.deepStrictEqual(resolveEngineAddress(opts, env), want));
  }

  it('rejects an unknown scheme with E_USAGE', () => {
    assert.throws(
      () => resolveEngineAddress({ host: 'ssh://me@h' }, {}),
      (e: unknown) => isBerthError(e, 'E_USAGE') && /ssh:\/\/me@h/.test(e.message),
    );
  });

  it('describes addresses', () => {
    assert.strictEqual(describeAddress({ kind: 'socket', socketPath: '/x.sock' }), 'unix:///x.sock');
    assert.strictEqual(describeAddress({ kind: 'tcp', host: 'h', port: 2376, tls: true }), 'https://h:2376');
  });
});
