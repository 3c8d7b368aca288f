import * as assert from 'assert';
import { isBerthError } from '../../../src/util/errors';
import { pollUntil } from '../../../src/util/eventually';
import { DockerRuntime } from '../../../src/runtime/docker';
import { LABEL } from '../../../src/runtime/types';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage } from '../../helpers/testImage';
import { busybox, freePort, IDLE } from './fixtures';

describe('runtime/docker: containers (real engine)', () => {
  let rt: DockerRuntime;
  let instance: string;

  before(async () => {
    rt = testRuntime();
    await ensureTestImage({ runtime: rt });
  });
  beforeEach(() => {
    instance = uniqueInstance('runtime');
  });
  afterEach(async () => {
    await cleanupInstance(rt, instance);
  });

  it('creates, starts, lists by label, inspects, stops and removes', async () => {
    const a = await rt.createContainer(busybox(instance, 'a', IDLE, { labels: { [LABEL.instance]: instance, role: 'a' } }));
    const b = await rt.createContainer(busybox(instance, 'b', IDLE, { labels: { [LABEL.instance]: instance, role: 'b' } }));
    await rt.startContainer(a);
    await rt.startContainer(a); // already running: not an error

    const all = await rt.listContainers({ [LABEL.instance]: instance });
    assert.deepStrictEqual(all.map((c) => c.name).sort(), [`${instance}-a`, `${instance}-b`]);
    const onlyA = await rt.listContainers({ [LABEL.instance]: instance, role: 'a' });
    assert.deepStrictEqual(
      onlyA.map((c) => [c.id, c.state, c.labels.role]),
      [[a, 'running', 'a']],
    );
    assert.match(onlyA[0].networks.bridge, /^\d+\.\d+\.\d+\.\d+$/);
    assert.strictEqual(all.find((c) => c.id === b)?.state, 'created');

    const d = await rt.inspectContainer(`${instance}-a`);
    assert.strictEqual(d.id, a);
    assert.strictEqual(d.state, 'running');
    assert.ok(d.pid > 0);
    assert.ok(d.startedAt);

    await rt.stopContainer(a, 5);
    await rt.stopContainer(a, 5); // already stopped: not an error
    const stopped = await rt.inspectContainer(a);
    assert.strictEqual(stopped.state, 'exited');
    assert.strictEqual(stopped.exitCode, 0); // the trap ran: SIGTERM, not SIGKILL

    await rt.removeContainer(a);
    await rt.removeContainer(a); // already gone: not an error
    assert.deepStrictEqual(
      (await rt.listContainers({ [LABEL.instance]: instance })).map((c) => c.id),
      [b],
    );
  });

  it('maps the create spec onto the engine (env, workdir, hostname, user, restart policy, limits)', async () => {
    const id = await rt.createContainer(
      busybox(instance, 'spec', ['sh', '-c', 'echo "$GREETING|$(pwd)|$(hostname)|$(id -u)"; sleep 600'], {
        env: ['GREETING=hello world'],
        workingDir: '/tmp',
        hostname: 'podhost',
        user: '1234',
        restartPolicy: 'on-failure',
        memoryBytes: 64 * 1024 * 1024,
        nanoCpus: 250_000_000,
        stopTimeout: 1,
        extraHosts: ['db.example:10.1.2.3'],
      }),
    );
    await rt.startContainer(id);
    const out = await pollUntil(async () => ((await rt.logs(id, 10)).includes('|') ? rt.logs(id, 10) : undefined), {
      timeoutMs: 10_000,
      what: 'first log line',
    });
    assert.strictEqual(out, 'hello world|/tmp|podhost|1234\n');
    const hosts = await rt.exec(id, ['grep', 'db.example', '/etc/hosts'], 5000);
    assert.match(hosts.output, /10\.1\.2\.3\s+db\.example/);
  });

  it('returns the last lines of demultiplexed logs (stdout and stderr)', async () => {
    // stdout and stderr are two pipes: only the order within one of them is guaranteed.
    const id = await rt.createContainer(busybox(instance, 'logs', ['sh', '-c', 'echo oops >&2; sleep 1; seq 1 10; exec sleep 600']));
    await rt.startContainer(id);
    const all = await pollUntil(
      async () => {
        const l = await rt.logs(id, 0);
        return l.includes('oops') && l.includes('10\n') ? l : undefined;
      },
      { timeoutMs: 10_000, what: 'logs' },
    );
    assert.deepStrictEqual(all.split('\n').filter(Boolean).sort(), ['1', '10', '2', '3', '4', '5', '6', '7', '8', '9', 'oops']);
    assert.strictEqual(await rt.logs(id, 3), '8\n9\n10\n');
  });

  it('returns raw logs of a tty container', async () => {
    const id = await rt.createContainer(busybox(instance, 'tty', ['sh', '-c', 'echo "{\\"json\\": 1}"; exec sleep 600'], { tty: true }));
    await rt.startContainer(id);
    const logs = await pollUntil(
      async () => {
        const l = await rt.logs(id, 5);
        return l.includes('json') ? l : undefined;
      },
      { timeoutMs: 10_000, what: 'tty logs' },
    );
    assert.strictEqual(logs.replace(/\r/g, ''), '{"json": 1}\n');
  });

  it('restarts a container', async () => {
    const id = await rt.createContainer(busybox(instance, 'restart', IDLE));
    await rt.startContainer(id);
    const before = (await rt.inspectContainer(id)).pid;
    await rt.restartContainer(id, 5);
    const after = await rt.inspectContainer(id);
    assert.strictEqual(after.state, 'running');
    assert.notStrictEqual(after.pid, before);
  });

  describe('exec', () => {
    let id: string;
    beforeEach(async () => {
      id = await rt.createContainer(busybox(instance, 'exec', IDLE));
      await rt.startContainer(id);
    });

    it('returns the exit code and interleaved stdout+stderr', async () => {
      const r = await rt.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 3'], 10_000);
      assert.strictEqual(r.exitCode, 3);
      // Two pipes inside the engine: their relative order is not guaranteed.
      assert.deepStrictEqual(r.output.split('\n').sort(), ['', 'err', 'out']);
      assert.deepStrictEqual(await rt.exec(id, ['true'], 10_000), { exitCode: 0, output: '' });
    });

    it('truncates long output to 4 KiB', async () => {
      const r = await rt.exec(id, ['seq', '1', '20000'], 10_000);
      assert.strictEqual(r.exitCode, 0);
      assert.ok(r.output.startsWith('1\n2\n3\n'));
      assert.match(r.output, /\[\.\.\. \d+ more bytes truncated\]$/);
      assert.ok(r.output.length < 4096 + 64, `output is ${r.output.length} chars`);
    });

    it('gives up at the timeout with E_TIMEOUT', async function () {
      this.timeout(20_000);
      await assert.rejects(rt.exec(id, ['sleep', '60'], 500), (e: unknown) => {
        return isBerthError(e, 'E_TIMEOUT') && e.message.includes('within 500 ms') && e.message.includes(`"${id}"`);
      });
    });

    it('fails with E_NOT_FOUND for a missing container', async () => {
      await assert.rejects(rt.exec(`${instance}-missing`, ['true'], 5000), (e: unknown) => isBerthError(e, 'E_NOT_FOUND'));
    });
  });

  describe('errors', () => {
    it('404 -> E_NOT_FOUND naming the container', async () => {
      const name = `${instance}-nope`;
      for (const call of [() => rt.inspectContainer(name), () => rt.startContainer(name), () => rt.logs(name, 1)]) {
        await assert.rejects(call(), (e: unknown) => isBerthError(e, 'E_NOT_FOUND') && e.message.includes(`"${name}"`));
      }
    });

    it('409 name clash -> E_CONFLICT naming the container', async () => {
      await rt.createContainer(busybox(instance, 'dup', IDLE));
      await assert.rejects(rt.createContainer(busybox(instance, 'dup', IDLE)), (e: unknown) => {
        return isBerthError(e, 'E_CONFLICT') && e.message.includes(`cannot create container "${instance}-dup"`);
      });
    });

    it('a host port clash on start -> E_CONFLICT naming the port', async () => {
      const port = await freePort();
      const ports = [{ containerPort: 80, protocol: 'tcp' as const, hostPort: port, hostIp: '' }];
      const first = await rt.createContainer(busybox(instance, 'p1', IDLE, { ports }));
      const second = await rt.createContainer(busybox(instance, 'p2', IDLE, { ports }));
      await rt.startContainer(first);
      await assert.rejects(rt.startContainer(second), (e: unknown) => {
        return isBerthError(e, 'E_CONFLICT') && e.message.includes(`host port ${port}`) && e.message.includes(`"${second}"`);
      });
    });

    it('an unreachable engine -> E_ENGINE with the hint', async () => {
      const { createDockerRuntime } = await import('../../../src/runtime/docker');
      const dead = createDockerRuntime({ socketPath: '/nonexistent/docker.sock' });
      await assert.rejects(dead.ping(), (e: unknown) => {
        return isBerthError(e, 'E_ENGINE') && /is the Docker engine running\?/.test(e.hint ?? '') && e.message.includes('/nonexistent/docker.sock');
      });
      await assert.rejects(dead.listContainers({}), (e: unknown) => isBerthError(e, 'E_ENGINE'));
    });
  });
});
