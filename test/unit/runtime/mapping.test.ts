import * as assert from 'assert';
import {
  labelFilter,
  normalizeImageRef,
  primaryName,
  pullError,
  toAliases,
  toDetails,
  toEngineEvent,
  toPullProgress,
  toState,
  toSummary,
} from '../../../src/runtime/mapping';

describe('runtime/mapping', () => {
  it('builds a sorted label filter', () => {
    assert.deepStrictEqual(labelFilter({ b: '2', a: 'x=y' }), ['a=x=y', 'b=2']);
    assert.deepStrictEqual(labelFilter({}), []);
  });

  const refs: Array<[string, string]> = [
    ['busybox', 'busybox:latest'],
    ['busybox:1.36', 'busybox:1.36'],
    ['registry:5000/team/app', 'registry:5000/team/app:latest'],
    ['registry:5000/team/app:v2', 'registry:5000/team/app:v2'],
    ['app@sha256:abcd', 'app@sha256:abcd'],
  ];
  for (const [ref, want] of refs) {
    it(`normalizes image ref ${ref} -> ${want}`, () => assert.strictEqual(normalizeImageRef(ref), want));
  }

  it('maps a list item to a summary', () => {
    const s = toSummary({
      Id: 'abc',
      Names: ['/other/link', '/web-1'],
      Image: 'img:1',
      Labels: { k: 'v' },
      State: 'running',
      Status: 'Up 3 seconds',
      Created: 1700000000,
      NetworkSettings: { Networks: { n1: { IPAddress: '172.18.0.2' }, n2: { IPAddress: '' } } },
    });
    assert.deepStrictEqual(s, {
      id: 'abc',
      name: 'web-1',
      image: 'img:1',
      labels: { k: 'v' },
      state: 'running',
      status: 'Up 3 seconds',
      createdAt: 1700000000,
      networks: { n1: '172.18.0.2', n2: '' },
    });
  });

  it('tolerates null labels and networks', () => {
    const s = toSummary({ Id: 'abc', Image: 'i', Labels: null, State: 'exited', Status: 'Exited (0)', Created: 1, NetworkSettings: null });
    assert.deepStrictEqual([s.name, s.labels, s.networks], ['abc', {}, {}]);
  });

  it('leaves aliases unknown when the engine returns null (list API of Engine 20.10)', () => {
    const s = toSummary({
      Id: 'abcdef0123456789',
      Image: 'i',
      State: 'running',
      Status: 'Up',
      Created: 1,
      NetworkSettings: { Networks: { n1: { IPAddress: '172.18.0.2', Aliases: null } } },
    });
    assert.strictEqual(s.aliases, undefined);
  });

  it('reports aliases from inspect without the short id Docker adds', () => {
    const networks = toAliases({ n1: { Aliases: ['web', 'abcdef012345'] }, n2: { Aliases: null } }, 'abcdef0123456789');
    assert.deepStrictEqual(networks, { n1: ['web'], n2: [] });
  });

  it('picks the own name, not a link', () => assert.strictEqual(primaryName(['/a/b', '/b'], 'id'), 'b'));
  it('maps unknown states to dead', () => assert.strictEqual(toState('weird'), 'dead'));

  it('maps inspect output to details, dropping zero times', () => {
    const d = toDetails({
      Id: 'abc',
      Name: '/web-1',
      Created: '2024-01-01T00:00:10.5Z',
      RestartCount: 2,
      Config: { Image: 'img:1', Labels: { k: 'v' } },
      State: {
        Status: 'exited',
        ExitCode: 3,
        OOMKilled: true,
        Error: '',
        StartedAt: '2024-01-01T00:00:11Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Pid: 0,
      },
      NetworkSettings: { Networks: {} },
    });
    assert.deepStrictEqual(d, {
      id: 'abc',
      name: 'web-1',
      image: 'img:1',
      labels: { k: 'v' },
      state: 'exited',
      status: 'Exited (3)',
      createdAt: 1704067210,
      networks: {},
      restartCount: 2,
      exitCode: 3,
      oomKilled: true,
      error: '',
      startedAt: '2024-01-01T00:00:11Z',
      finishedAt: undefined,
      pid: 0,
    });
  });

  it('maps a container event, keeping labels and dropping docker attributes', () => {
    const e = toEngineEvent({
      Type: 'container',
      Action: 'die',
      Actor: { ID: 'abc', Attributes: { name: 'web-1', image: 'img', exitCode: '1', 'io.berth.instance': 'i' } },
      time: 1700000000,
    });
    assert.deepStrictEqual(e, { type: 'container', action: 'die', id: 'abc', labels: { 'io.berth.instance': 'i' }, time: 1700000000, exitCode: 1 });
  });

  it('ignores event types berth does not know', () => {
    assert.strictEqual(toEngineEvent({ Type: 'plugin', Action: 'enable' }), undefined);
  });

  it('maps pull messages to progress and finds in-band errors', () => {
    assert.deepStrictEqual(toPullProgress({ status: 'Downloading', id: 'l1', progressDetail: { current: 5, total: 10 } }), {
      status: 'Downloading',
      id: 'l1',
      current: 5,
      total: 10,
    });
    assert.strictEqual(pullError({ errorDetail: { message: 'manifest unknown' } }), 'manifest unknown');
    assert.strictEqual(pullError({ status: 'Pull complete' }), undefined);
  });
});
