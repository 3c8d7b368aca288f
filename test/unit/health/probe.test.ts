import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolvePort, runProbe } from '../../../src/health/probe';
import { upForMs } from '../../../src/health/prober';
import type { Probe, ProbeHandler } from '../../../src/model/types';
import type { Runtime } from '../../../src/runtime/types';

// httpGet and tcpSocket never touch the runtime; exec is covered by the integration tests.
const noRuntime = {} as Runtime;
const probe = (handler: ProbeHandler): Probe => ({
  handler,
  initialDelaySeconds: 0,
  periodSeconds: 1,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 1,
});

describe('probes over the network (loopback)', () => {
  let server: http.Server;
  let port: number;
  before(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const target = () => ({ containerId: 'x', ip: '127.0.0.1', ports: [{ name: 'http', containerPort: port, protocol: 'TCP' as const }] });

  it('httpGet 200 and 302 succeed', async () => {
    for (const path of ['/ok', '/moved']) {
      const r = await runProbe(noRuntime, probe({ type: 'httpGet', path, port: 'http', scheme: 'HTTP', httpHeaders: [] }), target());
      assert.deepEqual(r, { ok: true }, path);
    }
  });

  it('httpGet 503 fails with the status in the reason', async () => {
    const r = await runProbe(noRuntime, probe({ type: 'httpGet', path: '/down', port, scheme: 'HTTP', httpHeaders: [] }), target());
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /HTTP 503/);
  });

  it('tcpSocket succeeds on an open port and fails on a closed one', async () => {
    const open = await runProbe(noRuntime, probe({ type: 'tcpSocket', port }), target());
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const closed = await runProbe(noRuntime, probe({ type: 'tcpSocket', port: closedPort }), target());
    assert.deepEqual([open.ok, closed.ok], [true, false]);
  });

  it('a named port that does not exist fails with its name', async () => {
    const r = await runProbe(noRuntime, probe({ type: 'tcpSocket', port: 'nope' }), target());
    assert.match(!r.ok ? r.reason : '', /no container port named "nope"/);
  });

  it('resolvePort accepts numbers, numeric strings and names', () => {
    const ports = [{ name: 'web', containerPort: 8080, protocol: 'TCP' as const }];
    assert.deepEqual([resolvePort(80, ports), resolvePort('81', ports), resolvePort('web', ports)], [80, 81, 8080]);
  });
});

describe('upForMs (Docker status text)', () => {
  const table: [string, number | undefined][] = [
    ['Up Less than a second', 0],
    ['Up 1 second', 1000],
    ['Up 5 seconds', 5000],
    ['Up About a minute', 60_000],
    ['Up 2 hours (Paused)', 7_200_000],
    ['Up 3 days', 259_200_000],
    ['Exited (1) 2 seconds ago', undefined],
    ['Restarting (3) 1 second ago', undefined],
    ['Created', undefined],
  ];
  for (const [status, ms] of table) it(`${status} -> ${ms}`, () => assert.equal(upForMs(status), ms));
});
