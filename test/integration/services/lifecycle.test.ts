/**
 * The proxy process outlives whoever started it: its owner killed with SIGKILL, a second
 * supervisor (the restarted operator) finds it instead of starting another, a stale pid
 * file does not fool anyone.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pollUntil } from '../../../src/util/eventually';
import { processStartTime } from '../../../src/util/process';
import { cleanupProxies, freePort, get, httpBackend, listener, newStateDir, newSupervisor, processesWith, uniqueProxyInstance } from './helpers';

const PROXY_INDEX = resolve(__dirname, '../../../src/services/proxy/index.js');

/** A stand-in operator: starts the proxy, publishes `table`, says "ready", then idles until killed. */
const OWNER_SCRIPT = `
const { ProxySupervisor } = require(${JSON.stringify(PROXY_INDEX)});
const [stateDir, instance, table] = process.argv.slice(2);
(async () => {
  const sup = new ProxySupervisor({ stateDir, instance, args: ['--bind-retry-ms', '200'] });
  await sup.ensureRunning();
  const gen = await sup.publish(JSON.parse(table));
  if (!(await sup.waitApplied(gen, 5000))) throw new Error('not applied');
  process.stdout.write('ready\\n');
  setInterval(() => undefined, 1000);
})().catch((e) => { console.error(e); process.exit(1); });
`;

/** Requests one after another until stopped; counts answers and failures. */
function stream(port: number) {
  const counts = { ok: 0, failed: 0, errors: [] as string[] };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        await get(port);
        counts.ok++;
      } catch (err) {
        counts.failed++;
        counts.errors.push((err as Error).message);
      }
    }
  })();
  return { counts, stop: async () => ((stopped = true), await loop, counts) };
}

describe('proxy: process lifecycle', function () {
  this.timeout(30_000);
  afterEach(cleanupProxies);

  it('keeps serving after the process that started it is killed with SIGKILL', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const port = await freePort();
    const stateDir = await newStateDir();
    const instance = uniqueProxyInstance();
    const sup = await newSupervisor(stateDir, instance); // for cleanup and inspection
    const script = join(stateDir, 'owner.js');
    await writeFile(script, OWNER_SCRIPT);
    const owner = spawn(process.execPath, [script, stateDir, instance, JSON.stringify([listener(port, [web])])], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((ok, fail) => {
      owner.stdout.on('data', (d) => String(d).includes('ready') && ok());
      owner.on('exit', (code) => fail(new Error(`owner exited with ${code}`)));
    });
    const proxyPid = (await sup.running())?.pid;
    assert.ok(proxyPid && proxyPid !== owner.pid, 'the proxy is its own process');

    const traffic = stream(port);
    await pollUntil(() => (traffic.counts.ok >= 20 ? true : undefined), { timeoutMs: 5000, what: 'traffic before the kill' });
    const exited = new Promise((r) => owner.once('exit', r));
    owner.kill('SIGKILL');
    await exited;
    const before = traffic.counts.ok;
    await pollUntil(() => (traffic.counts.ok >= before + 50 ? true : undefined), { timeoutMs: 10_000, what: 'traffic after the kill' });
    const counts = await traffic.stop();
    assert.equal(counts.failed, 0, counts.errors.slice(0, 3).join('; '));
    assert.equal((await sup.running())?.pid, proxyPid, 'the same proxy still runs');

    // The restarted operator finds it and drives it.
    await sup.ensureRunning();
    assert.equal((await sup.running())?.pid, proxyPid);
    const web2 = await httpBackend('web2', '127.0.0.3');
    assert.equal(await sup.waitApplied(await sup.publish([listener(port, [web2])]), 5000), true);
    assert.equal(await get(port), 'web2');
  });

  it('a second ensureRunning finds the running proxy', async () => {
    const sup = await newSupervisor();
    await sup.ensureRunning();
    const first = await sup.running();
    const again = await newSupervisor(sup.paths.dir.replace(/\/proxy\/[^/]+$/, ''), sup.paths.dir.split('/').pop());
    await again.ensureRunning();
    assert.equal((await again.running())?.pid, first?.pid);
    assert.deepEqual(await processesWith(sup.paths.dir.split('/').pop()!), [first?.pid]);
  });

  it('two supervisors starting at once end with one proxy', async () => {
    const stateDir = await newStateDir();
    const instance = uniqueProxyInstance();
    const [a, b] = [await newSupervisor(stateDir, instance), await newSupervisor(stateDir, instance)];
    await Promise.all([a.ensureRunning(), b.ensureRunning()]);
    const pid = (await a.running())?.pid;
    assert.equal((await b.running())?.pid, pid);
    const pids = await pollUntil(
      async () => {
        const p = await processesWith(instance);
        return p.length === 1 ? p : undefined;
      },
      { timeoutMs: 15_000, what: 'one proxy process' },
    );
    assert.deepEqual(pids, [pid]);
  });

  it('a pid file naming a dead or recycled pid is stale: a new proxy starts', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], {}).pid;
    const cases = [
      { name: 'dead pid', pid: dead, startTime: undefined },
      { name: 'live pid of another process (recycled)', pid: process.pid, startTime: (processStartTime(process.pid) ?? 0) + 1 },
    ];
    for (const c of cases) {
      const sup = await newSupervisor();
      await writeFile(
        join(await ensureDir(sup.paths.dir), 'pid'),
        JSON.stringify({ pid: c.pid, startTime: c.startTime, nonce: 'old', instance: 'x', format: 1, startedAt: 'then' }),
      );
      assert.equal(await sup.running(), undefined, c.name);
      await sup.ensureRunning();
      const now = await sup.running();
      assert.ok(now && now.pid !== c.pid && now.nonce !== 'old', c.name);
    }
  });

  it('stop() ends the proxy and frees its ports', async () => {
    const web = await httpBackend('web', '127.0.0.2');
    const port = await freePort();
    const sup = await newSupervisor();
    await sup.ensureRunning();
    assert.equal(await sup.waitApplied(await sup.publish([listener(port, [web])]), 5000), true);
    assert.equal(await get(port), 'web');
    const pid = (await sup.running())?.pid;
    await sup.stop();
    assert.equal(await sup.running(), undefined);
    assert.deepEqual(await processesWith(sup.paths.dir.split('/').pop()!), []);
    await assert.rejects(get(port), /ECONNREFUSED/);
    assert.ok(pid);
    const st = await sup.status();
    assert.equal(st.running, false);
  });

  it('a proxy whose pid file is removed (instance deleted) leaves by itself', async () => {
    const sup = await newSupervisor();
    await sup.ensureRunning();
    const instance = sup.paths.dir.split('/').pop()!;
    assert.equal((await processesWith(instance)).length, 1);
    await rm(sup.paths.pid);
    await pollUntil(async () => ((await processesWith(instance)).length === 0 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the orphaned proxy to exit',
    });
  });
});

async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
