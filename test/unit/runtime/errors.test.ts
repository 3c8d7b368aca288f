import * as assert from 'assert';
import { BerthError } from '../../../src/util/errors';
import { ENGINE_HINT, engineReason, mapEngineError, portClash } from '../../../src/runtime/errors';

/** An error shaped like docker-modem's. */
function httpError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
}
function sysError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

describe('runtime/errors', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['404', httpError(404, 'No such container: web-1'), 'E_NOT_FOUND', /^cannot start container "web-1": No such container: web-1$/],
    ['409', httpError(409, 'Conflict. The container name "/web-1" is already in use'), 'E_CONFLICT', /already in use/],
    ['403', httpError(403, 'error while removing network: network n1 has active endpoints'), 'E_CONFLICT', /active endpoints/],
    [
      'port allocated',
      httpError(500, 'driver failed programming external connectivity on endpoint web-1: Bind for 0.0.0.0:18080 failed: port is already allocated'),
      'E_CONFLICT',
      /host port 18080 is already in use \(0\.0\.0\.0:18080\)/,
    ],
    [
      'address in use',
      httpError(500, 'Error starting userland proxy: listen tcp4 0.0.0.0:9000: bind: address already in use'),
      'E_CONFLICT',
      /host port 9000 is already in use/,
    ],
    ['500', httpError(500, 'something broke'), 'E_ENGINE', /: something broke$/],
    ['ECONNREFUSED', sysError('ECONNREFUSED'), 'E_ENGINE', /cannot reach the Docker engine at unix:\/\/x \(ECONNREFUSED\)/],
    ['ENOENT', sysError('ENOENT'), 'E_ENGINE', /\(ENOENT\)/],
    ['EACCES', sysError('EACCES'), 'E_ENGINE', /permission denied/],
  ];
  for (const [name, err, code, message] of cases) {
    it(`maps ${name} to ${code}`, () => {
      const mapped = mapEngineError(err, 'cannot start container "web-1"', 'the Docker engine at unix://x');
      assert.strictEqual(mapped.code, code);
      assert.match(mapped.message, message);
      assert.match(mapped.message, /^cannot start container "web-1"/);
      assert.strictEqual(mapped.cause, err);
    });
  }

  it('gives the engine hint when the socket is missing', () => {
    assert.strictEqual(mapEngineError(sysError('ENOENT'), 'x').hint, ENGINE_HINT);
    assert.match(ENGINE_HINT, /is the Docker engine running\? \(DOCKER_HOST or \/var\/run\/docker\.sock\)/);
  });

  it('passes a BerthError through untouched (wrap once)', () => {
    const e = new BerthError('E_TIMEOUT', 'late');
    assert.strictEqual(mapEngineError(e, 'x'), e);
  });

  it('strips the dockerode prefix when there is no JSON body', () => {
    assert.strictEqual(engineReason(new Error('(HTTP code 404) no such container - No such container: a ')), 'No such container: a');
  });

  it('finds no clash in unrelated messages', () => assert.strictEqual(portClash('no such image'), undefined));
});
