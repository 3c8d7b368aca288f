import { strict as assert } from 'node:assert';
import { isWrite, operationOf, RequestCounter, type Dialer } from '../../../src/runtime/requestCounter';
import { during, currentActivity } from '../../../src/util/activity';

describe('engine request counter', () => {
  it('names operations without ids, names or query strings', () => {
    assert.equal(operationOf('GET', '/containers/json?all=true'), 'GET /containers/json');
    assert.equal(operationOf('GET', '/containers/3f2ab1/json?'), 'GET /containers/{id}/json');
    assert.equal(operationOf('POST', '/containers/create?name=x'), 'POST /containers/create');
    assert.equal(operationOf('POST', '/containers/web-1/start?'), 'POST /containers/{id}/start');
    assert.equal(operationOf('POST', '/exec/abc/start'), 'POST /exec/{id}/start');
    assert.equal(operationOf('GET', '/volumes?filters=x'), 'GET /volumes');
    assert.equal(operationOf('GET', '/images/berth-test/busybox:latest/json'), 'GET /images/{name}/json');
    assert.equal(operationOf('POST', '/images/create?fromImage=a'), 'POST /images/create');
    assert.equal(operationOf('GET', '/v1.41/networks/ns-default'), 'GET /networks/{id}');
  });

  it('writes: what can change a list (create, start, kill, remove, connect), not reads or probes (exec)', () => {
    const write = (m: string, p: string) => isWrite(m, operationOf(m, p));
    assert.deepEqual(
      [
        write('POST', '/containers/create?name=x'),
        write('POST', '/containers/ab/start'),
        write('POST', '/containers/ab/kill?signal=TERM'),
        write('DELETE', '/containers/ab?force=true'),
        write('POST', '/networks/n1/connect'),
        write('DELETE', '/volumes/v1'),
      ],
      [true, true, true, true, true, true],
    );
    assert.deepEqual(
      [
        write('GET', '/containers/json'),
        write('HEAD', '/_ping'),
        write('POST', '/containers/ab/exec'),
        write('POST', '/exec/e1/start'),
        write('POST', '/exec/e1/resize?h=1'),
      ],
      [false, false, false, false, false],
    );
  });

  it('counts each dial by the activity it was made in, through awaits', async () => {
    const calls: string[] = [];
    const modem: Dialer = { dial: (o, cb) => (calls.push(o.path ?? ''), setImmediate(() => cb(null, {}))) };
    const counter = new RequestCounter(currentActivity);
    counter.install(modem);
    const dial = (path: string): Promise<void> => new Promise((resolve) => modem.dial({ method: 'GET', path }, () => resolve()));
    await during('pass', async () => {
      await dial('/containers/json');
      await new Promise((r) => setTimeout(r, 1));
      await dial('/networks');
    });
    await during('probe', () => dial('/containers/json'));
    await dial('/containers/json');
    assert.deepEqual(counter.snapshot(), {
      pass: { 'GET /containers/json': 1, 'GET /networks': 1 },
      probe: { 'GET /containers/json': 1 },
      other: { 'GET /containers/json': 1 },
    });
    assert.equal(calls.length, 4, 'every request still goes through');
  });
});
