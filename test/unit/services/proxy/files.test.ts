import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { tableError, proxyPaths } from '../../../../src/services/proxy/files';
import { parseProcStat } from '../../../../src/util/process';
import { endpointRows, proxyStatus } from '../../../../src/services/proxy/status';
import { TABLE_FORMAT, type AckFile, type ListenerSpec, type PidFile, type TableFile } from '../../../../src/services/proxy/types';

const listener = (over: Partial<ListenerSpec> = {}): ListenerSpec => ({
  protocol: 'TCP',
  address: '127.0.0.1',
  port: 30080,
  service: 'default/web',
  servicePort: 80,
  source: 'nodePort',
  endpoints: [{ ip: '10.1.0.2', port: 8080, pod: 'default/a' }],
  ...over,
});
const table = (over: Partial<TableFile> = {}): TableFile => ({ format: TABLE_FORMAT, generation: 1, writtenAt: 'now', listeners: [listener()], ...over });

describe('proxy: endpoints.json checks', () => {
  const cases: { name: string; v: unknown; want: RegExp | undefined }[] = [
    { name: 'a good table', v: table(), want: undefined },
    { name: 'no listeners', v: table({ listeners: [] }), want: undefined },
    { name: 'not an object', v: 'x', want: /not an object/ },
    { name: 'no format', v: { generation: 1, listeners: [] }, want: /format undefined/ },
    { name: 'null', v: null, want: /not an object/ },
    { name: 'another format', v: table({ format: 99 }), want: /format 99, this proxy reads format 1/ },
    { name: 'generation 0', v: table({ generation: 0 }), want: /generation: not a positive integer/ },
    { name: 'listeners not a list', v: { ...table(), listeners: {} }, want: /listeners: not a list/ },
    { name: 'bad protocol', v: table({ listeners: [listener({ protocol: 'SCTP' as 'TCP' })] }), want: /listeners\[0\]: protocol: SCTP is not TCP or UDP/ },
    { name: 'port out of range', v: table({ listeners: [listener(), listener({ port: 70000 })] }), want: /listeners\[1\]: port: 70000 is not a port number/ },
    {
      name: 'endpoint without ip',
      v: table({ listeners: [listener({ endpoints: [{ ip: '', port: 1, pod: 'x' }] })] }),
      want: /listeners\[0\]: endpoints\[0\]\.ip: missing/,
    },
    {
      name: 'endpoint port 0',
      v: table({ listeners: [listener({ endpoints: [{ ip: '1.2.3.4', port: 0, pod: 'x' }] })] }),
      want: /endpoints\[0\]\.port: 0 is not a port number/,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const err = tableError(c.v);
      if (c.want === undefined) assert.equal(err, undefined);
      else assert.match(err ?? '', c.want);
    });
  }

  it('instance names that would escape the state directory are refused', () => {
    assert.throws(() => proxyPaths('/s', '../x'), /cannot name a directory/);
    assert.throws(() => proxyPaths('/s', 'a/b'), /cannot name a directory/);
    assert.equal(proxyPaths('/s', 'prod-1').endpoints, '/s/proxy/prod-1/endpoints.json');
  });
});

describe('proxy: /proc/<pid>/stat', () => {
  const rest = 'S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21';
  const cases: { name: string; line: string; want: { state: string; startTime: number } | undefined }[] = [
    { name: 'a plain command', line: `123 (node) ${rest}`, want: { state: 'S', startTime: 987654 } },
    { name: 'spaces and parentheses in the command', line: `123 (a) (b c) ${rest}`, want: { state: 'S', startTime: 987654 } },
    { name: 'a zombie', line: `123 (node) Z${rest.slice(1)}`, want: { state: 'Z', startTime: 987654 } },
    { name: 'garbage', line: 'garbage', want: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseProcStat(c.line), c.want));

  it('reads this process', () => {
    const own = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    assert.equal(parseProcStat(own)?.state, 'R');
  });
});

describe('proxy: status', () => {
  const holder: PidFile = { pid: 42, nonce: 'n', instance: 'i', format: 1, startedAt: 'then' };
  const ack = (over: Partial<AckFile> = {}): AckFile => ({
    format: 1,
    pid: 42,
    nonce: 'n',
    generation: 1,
    writtenAt: 'now',
    listeners: [{ ...listener(), bound: true, forwarded: 5, rejected: 0 }],
    connections: { '10.1.0.2:8080': 2, '10.1.0.9:8080': 1 },
    ...over,
  });

  it('applied: listeners from the ack with connection counts; endpoints gone but open are draining', () => {
    const s = proxyStatus(holder, table(), ack());
    assert.deepEqual(
      {
        running: s.running,
        pid: s.pid,
        gens: [s.publishedGeneration, s.appliedGeneration],
        eps: s.listeners[0].endpoints.map((e) => `${e.ip}:${e.port}=${e.connections}`),
        bound: s.listeners[0].bound,
        draining: s.draining,
      },
      { running: true, pid: 42, gens: [1, 1], eps: ['10.1.0.2:8080=2'], bound: true, draining: [{ endpoint: '10.1.0.9:8080', connections: 1 }] },
    );
  });

  it('published but not applied yet: listeners from the table, not bound', () => {
    const s = proxyStatus(holder, table({ generation: 2, listeners: [listener({ port: 30090 })] }), ack());
    assert.deepEqual(
      s.listeners.map((l) => [l.port, l.bound, l.error]),
      [[30090, false, 'not applied yet']],
    );
    assert.deepEqual([s.publishedGeneration, s.appliedGeneration], [2, 1]);
  });

  it('no proxy running', () => {
    const s = proxyStatus(undefined, table(), undefined);
    assert.deepEqual([s.running, s.pid, s.listeners[0].error], [false, undefined, 'proxy not running']);
  });

  it('nothing published', () => {
    assert.deepEqual(proxyStatus(undefined, undefined, undefined), {
      running: false,
      publishedGeneration: 0,
      appliedGeneration: 0,
      listeners: [],
      draining: [],
    });
  });

  it('a rejected table is reported', () => {
    assert.equal(proxyStatus(holder, table(), ack({ tableError: 'bad' })).tableError, 'bad');
  });

  it('rows for `berth get endpoints`', () => {
    const s = proxyStatus(
      holder,
      table({ listeners: [listener(), listener({ port: 30090, endpoints: [] })] }),
      ack({
        listeners: [
          { ...listener(), bound: true, forwarded: 0, rejected: 0 },
          { ...listener({ port: 30090, endpoints: [] }), bound: false, error: 'EADDRINUSE: the port is in use by another process', forwarded: 0, rejected: 0 },
        ],
      }),
    );
    assert.deepEqual(endpointRows(s), [
      { service: 'default/web:80', listen: 'TCP 127.0.0.1:30080', endpoints: '10.1.0.2:8080 (2 open)', state: 'ok' },
      { service: 'default/web:80', listen: 'TCP 127.0.0.1:30090', endpoints: '<none>', state: 'EADDRINUSE: the port is in use by another process' },
    ]);
  });
});
