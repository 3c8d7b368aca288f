/** The proxy process with real sockets: balancing, skipping, draining, bind clashes, UDP. */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupProxies, echoBackend, EchoClient, freePort, get, httpBackend, listener, newSupervisor, udpAsk, udpBackend } from './helpers';

describe('proxy: traffic (real sockets)', function () {
  this.timeout(30_000);
  afterEach(cleanupProxies);

  async function proxyWith(listeners: Parameters<typeof listener>[]) {
    const sup = await newSupervisor();
    await sup.ensureRunning();
    const gen = await sup.publish(listeners.map((l) => listener(...l)));
    assert.equal(await sup.waitApplied(gen, 5000), true, 'table applied');
    return sup;
  }

  it('spreads new connections round robin over the endpoints', async () => {
    const backends = await Promise.all(['a', 'b', 'c'].map((n, i) => httpBackend(n, `127.0.0.${i + 2}`)));
    const port = await freePort();
    await proxyWith([[port, backends]]);
    const bodies: string[] = [];
    for (let i = 0; i < 9; i++) bodies.push(await get(port));
    assert.deepEqual(bodies, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('skips an endpoint that refuses, and closes the client when none accepts', async () => {
    const live = await httpBackend('live', '127.0.0.2');
    const dead = await httpBackend('dead', '127.0.0.3');
    await dead.close(); // its port now refuses
    const port = await freePort();
    const sup = await proxyWith([[port, [dead, live]]]);
    const bodies = await Promise.all(Array.from({ length: 6 }, () => get(port)));
    assert.deepEqual(bodies, Array(6).fill('live'));

    await live.close();
    await assert.rejects(get(port), /socket hang up|ECONNRESET/);
    const st = await pollUntil(
      async () => {
        const s = await sup.status();
        return s.listeners[0].rejected > 0 ? s : undefined;
      },
      { timeoutMs: 3000, what: 'a rejected connection in the status' },
    );
    assert.equal(st.running, true);
    assert.equal(st.listeners[0].forwarded, 6);
  });

  it('removing an endpoint sends new connections elsewhere and lets open ones drain', async () => {
    const old = await echoBackend('old', '127.0.0.2');
    const next = await echoBackend('new', '127.0.0.3');
    const port = await freePort();
    const sup = await proxyWith([[port, [old]]]);
    const client = await EchoClient.connect(port);
    assert.equal(await client.ask('1'), 'old:1');
    const oldKey = `${old.ip}:${old.port}`;
    await pollUntil(async () => ((await sup.status()).listeners[0].endpoints[0].connections === 1 ? true : undefined), {
      timeoutMs: 3000,
      what: 'one open connection',
    });

    const gen = await sup.publish([listener(port, [next])]);
    assert.equal(await sup.waitApplied(gen, 5000), true);
    const fresh = await EchoClient.connect(port);
    assert.equal(await fresh.ask('2'), 'new:2', 'a new connection goes to the remaining endpoint');
    assert.equal(await client.ask('3'), 'old:3', 'the open connection still works');
    assert.deepEqual((await sup.status()).draining, [{ endpoint: oldKey, connections: 1 }]);

    assert.equal(await sup.drain([oldKey], 300), 'grace-expired', 'the grace passes with the connection still open');
    assert.deepEqual((await sup.status()).draining, [{ endpoint: oldKey, connections: 1 }]);

    const draining = sup.drain([oldKey], 20_000);
    await client.close();
    assert.equal(await draining, 'drained', 'drain ends when the connection closes, not at the grace period');
    assert.deepEqual((await sup.status()).draining, []);
    await fresh.close();
  });

  it('replacing every endpoint in the zero-downtime order fails no request of a steady stream', async () => {
    let current = [await httpBackend('v1-a', '127.0.0.2', 40), await httpBackend('v1-b', '127.0.0.3', 40)];
    const port = await freePort();
    const sup = await proxyWith([[port, current]]);
    const counts = { ok: 0, failed: 0, errors: [] as string[] };
    let stopped = false;
    const clients = Array.from({ length: 4 }, async () => {
      while (!stopped) {
        await get(port).then(
          () => counts.ok++,
          (err: Error) => (counts.failed++, counts.errors.push(err.message)),
        );
      }
    });
    for (let v = 2; v <= 4; v++) {
      for (let i = 0; i < current.length; i++) {
        const old = current[i];
        const fresh = await httpBackend(`v${v}-${i}`, `127.0.0.${4 + i}`, 40);
        current = current.map((b) => (b === old ? fresh : b));
        const gen = await sup.publish([listener(port, current)]); // 1. the old endpoint leaves the table
        assert.equal(await sup.waitApplied(gen, 5000), true); // 2. no new connection goes to it
        await sup.drain([`${old.ip}:${old.port}`], 5000); // 3. in-flight requests finish
        await old.close(); // 4. the old server stops
      }
    }
    stopped = true;
    await Promise.all(clients);
    assert.equal(counts.failed, 0, counts.errors.slice(0, 3).join('; '));
    assert.ok(counts.ok > 20, `only ${counts.ok} requests went through`);
  });

  it('reports a port held by another process, keeps serving the others, and binds once it is free', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const [clash, other] = [await freePort(), await freePort()];
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(clash, '127.0.0.1', () => r()));
    let blocked = true;
    try {
      const sup = await proxyWith([
        [clash, [web]],
        [other, [web], { service: 'default/other' }],
      ]);
      const st = await sup.status();
      const byPort = new Map(st.listeners.map((l) => [l.port, l]));
      assert.equal(byPort.get(clash)?.bound, false);
      assert.match(byPort.get(clash)?.error ?? '', /EADDRINUSE/);
      assert.equal(byPort.get(other)?.bound, true);
      assert.equal(await get(other), 'web');
      assert.equal(st.running, true);

      await new Promise((r) => blocker.close(r));
      blocked = false;
      await pollUntil(async () => ((await sup.status()).listeners.find((l) => l.port === clash)?.bound ? true : undefined), {
        timeoutMs: 5000,
        what: 'the freed port bound',
      });
      assert.equal(await get(clash), 'web');
    } finally {
      if (blocked) blocker.close();
    }
  });

  it('keeps the previous table when endpoints.json is damaged, and reports it', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const port = await freePort();
    const sup = await proxyWith([[port, [web]]]);
    await writeFile(sup.paths.endpoints, '{"format": 1, "generation": ');
    const st = await pollUntil(
      async () => {
        const s = await sup.status();
        return s.tableError ? s : undefined;
      },
      { timeoutMs: 5000, what: 'the table error in the status' },
    );
    assert.match(st.tableError ?? '', /endpoints\.json: not JSON/);
    assert.equal(await get(port), 'web');

    const gen = await sup.publish([listener(port, [web], { service: 'default/again' })]);
    assert.equal(await sup.waitApplied(gen, 5000), true);
    assert.equal((await sup.status()).tableError, undefined);
  });

  it('a table equal to the one in force keeps its generation', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const port = await freePort();
    const sup = await proxyWith([[port, [web]]]);
    const g1 = await sup.publish([listener(port, [web])]);
    const g2 = await sup.publish([listener(port, [web])]);
    const g3 = await sup.publish([listener(port, [])]);
    assert.deepEqual([g1, g2, g3], [1, 1, 2]);
  });

  it('removing a listener closes its port', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const port = await freePort();
    const sup = await proxyWith([[port, [web]]]);
    assert.equal(await get(port), 'web');
    assert.equal(await sup.waitApplied(await sup.publish([]), 5000), true);
    await assert.rejects(get(port), /ECONNREFUSED/);
  });

  it('forwards UDP datagrams round robin per client, replies come back from the service port', async () => {
    const [a, b] = [await udpBackend('a', '127.0.0.2'), await udpBackend('b', '127.0.0.3')];
    const port = await freePort();
    const sup = await proxyWith([[port, [a, b], { protocol: 'UDP' }]]);
    const c1 = dgram.createSocket('udp4');
    const c2 = dgram.createSocket('udp4');
    try {
      const first = await udpAsk(port, 'x', c1);
      const second = await udpAsk(port, 'y', c2);
      assert.deepEqual([first[0], second[0]], ['a', 'b'], 'two clients, round robin');
      assert.equal(await udpAsk(port, 'z', c1), 'a:z', 'a client stays with its endpoint');
      await pollUntil(async () => ((await sup.status()).listeners[0].forwarded === 2 ? true : undefined), { timeoutMs: 3000, what: '2 UDP sessions counted' });
    } finally {
      c1.close();
      c2.close();
    }
  });
});
