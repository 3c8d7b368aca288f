/**
 * The Runtime contract: one suite of observable semantics that every Runtime must share.
 * It runs against DockerRuntime on the real engine (test/integration/runtime/
 * docker.contract.test.ts) and against FakeRuntime (test/unit/runtime/fake.contract.test.ts),
 * so the fake that reconcile-loop unit tests rely on cannot drift from the adapter.
 *
 * Time: everything that waits goes through `advance(ms)`: a real sleep on Docker, the
 * FakeClock on the fake. Containers run the commands in CMD (real shell scripts on the test
 * image); the fake maps each one to a scripted behaviour by looking at the spec's cmd.
 */
import * as assert from 'assert';
import { PULL_HINT } from '../../src/runtime/docker';
import {
  LABEL,
  type ContainerCreateSpec,
  type ContainerDetails,
  type EngineEvent,
  type ExecResult,
  type Labels,
  type LogLine,
  type LogOptions,
  type Runtime,
} from '../../src/runtime/types';
import { isBerthError, messageOf, type ErrorCode } from '../../src/util/errors';
import { freePort } from '../../src/util/freePort';
import { busybox } from '../helpers/containerSpec';

export interface ContractEnv {
  runtime: Runtime;
  /** Value of io.berth.instance for everything one test creates (names start with it too). */
  instance: string;
  /** An image present locally that runs the CMD scripts. */
  image: string;
  /** Let `ms` pass: a real sleep on an engine, FakeClock.advance on the fake. */
  advance(ms: number): Promise<void>;
  /** Removes whatever the test left behind. */
  cleanup(): Promise<void>;
}

/** The processes contract tests run (sh scripts of the busybox test image). */
export const CMD = {
  /** PID 1 ignores SIGTERM: a stop waits for its timeout, then SIGKILL (137). */
  ignoresTerm: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
  /** Exits 0 at once on SIGTERM. */
  handlesTerm: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'],
  /** Prints a line, exits 3 after 0.3 s; ignores SIGTERM meanwhile (PID 1, no trap). */
  crashes: ['sh', '-c', 'echo crashing; sleep 0.3; exit 3'],
  /** Prints a line and exits 7 at once. */
  exitsAtOnce: ['sh', '-c', 'echo bye; exit 7'],
  /** Prints a line and exits 0 at once. */
  succeeds: ['sh', '-c', 'echo done; exit 0'],
  /** Prints three lines, then runs like handlesTerm. */
  talks: ['sh', '-c', 'echo one; echo two; echo three; trap "exit 0" TERM; while true; do sleep 0.2; done'],
};

/** Execs the contract runs, with what the engine answers. */
export const EXEC: Record<string, { cmd: string[]; result: ExecResult }> = {
  exit3: { cmd: ['sh', '-c', 'echo out; exit 3'], result: { exitCode: 3, output: 'out\n' } },
  true: { cmd: ['true'], result: { exitCode: 0, output: '' } },
  false: { cmd: ['false'], result: { exitCode: 1, output: '' } },
  missingBinary: {
    cmd: ['no-such-binary'],
    result: {
      exitCode: 126,
      output:
        'OCI runtime exec failed: exec failed: unable to start container process: exec: "no-such-binary": executable file not found in $PATH: unknown\r\n',
    },
  },
};

/** An image no registry has (and none is reachable from the test machines anyway). */
export const MISSING_IMAGE = 'berth-test/does-not-exist:never';

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * Polls `probe` until it returns something other than undefined/false, letting `stepMs`
 * pass between tries (real or fake time); fails after `budgetMs` of such steps.
 */
async function eventually<T>(
  env: ContractEnv,
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  budgetMs = 10_000,
  stepMs = 100,
): Promise<T> {
  let spent = 0;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (spent >= budgetMs) throw new Error(`${what}: not within ${budgetMs} ms${last ? ` (last error: ${messageOf(last)})` : ''}`);
    await env.advance(stepMs);
    spent += stepMs;
  }
}

/** Awaits `p` while letting time pass (a stop that waits for its timeout needs the clock to move). */
async function whileTimePasses<T>(env: ContractEnv, what: string, p: Promise<T>, budgetMs = 10_000): Promise<T> {
  let done = false;
  const watched = p.finally(() => {
    done = true;
  });
  watched.catch(() => undefined);
  await eventually(env, what, () => done, budgetMs);
  return watched;
}

/** An assert.rejects validator: a BerthError with `code` whose message contains every `parts`. */
function berthError(code: ErrorCode, ...parts: string[]) {
  return (e: unknown): boolean => {
    assert.ok(isBerthError(e), `expected a BerthError ${code}, got ${String(e)}`);
    assert.strictEqual(e.code, code, `${e.code}: ${e.message}`);
    for (const p of parts) assert.ok(e.message.includes(p), `"${e.message}" should contain ${p}`);
    return true;
  };
}

/** `want` appears in `have` in this order (other items may sit between). */
function assertInOrder(have: string[], want: string[], what: string): void {
  let i = 0;
  for (const h of have) if (h === want[i]) i++;
  assert.strictEqual(i, want.length, `${what}: expected ${JSON.stringify(want)} in order, got ${JSON.stringify(have)}`);
}

export function runtimeContract(name: string, make: () => Promise<ContractEnv>): void {
  describe(`Runtime contract: ${name}`, function () {
    this.timeout(30_000);
    let env: ContractEnv;
    let rt: Runtime;

    beforeEach(async () => {
      env = await make();
      rt = env.runtime;
    });
    afterEach(async () => {
      await env?.cleanup();
    });

    const sel = (): Labels => ({ [LABEL.instance]: env.instance });
    const labelsOf = (container: string, extra: Labels = {}): Labels => ({
      [LABEL.managed]: 'true',
      [LABEL.instance]: env.instance,
      [LABEL.container]: container,
      ...extra,
    });
    /** Every contract container comes from here, so both runtimes see the same specs. */
    const spec = (container: string, cmd: string[], over: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec =>
      busybox(env.instance, container, [...cmd], { image: env.image, stopTimeout: 1, ...over });
    const create = (container: string, cmd: string[], over: Partial<ContainerCreateSpec> = {}): Promise<string> =>
      rt.createContainer(spec(container, cmd, over));
    const stateOf = async (id: string): Promise<string> => (await rt.inspectContainer(id)).state;
    const untilState = (id: string, state: string, budgetMs = 10_000): Promise<ContainerDetails> =>
      eventually(
        env,
        `container ${id} ${state}`,
        async () => {
          const d = await rt.inspectContainer(id);
          return d.state === state ? d : undefined;
        },
        budgetMs,
      );
    const sorted = (xs: string[] | undefined): string[] | undefined => xs && [...xs].sort();

    describe('containers', () => {
      it('lists by labels: every given label must match; names come without the leading "/"', async () => {
        const a = await create('a', CMD.handlesTerm, { labels: labelsOf('a', { role: 'web' }) });
        const b = await create('b', CMD.handlesTerm, { labels: labelsOf('b', { role: 'db' }) });
        await rt.startContainer(a);

        const all = await rt.listContainers(sel());
        assert.deepStrictEqual(all.map((c) => c.name).sort(), [`${env.instance}-a`, `${env.instance}-b`]);
        const web = await rt.listContainers({ ...sel(), role: 'web' });
        assert.deepStrictEqual(
          web.map((c) => [c.id, c.name, c.state, c.labels.role, c.image]),
          [[a, `${env.instance}-a`, 'running', 'web', env.image]],
        );
        assert.deepStrictEqual(
          (await rt.listContainers({ ...sel(), role: 'db' })).map((c) => [c.id, c.state]),
          [[b, 'created']],
        );
        assert.deepStrictEqual(await rt.listContainers({ ...sel(), role: 'cache' }), []);
        assert.deepStrictEqual(await rt.listContainers({ [LABEL.instance]: `${env.instance}-nobody` }), []);
        for (const c of all) {
          for (const [k, v] of Object.entries(labelsOf(c.name.slice(env.instance.length + 1)))) assert.strictEqual(c.labels[k], v, `label ${k} of ${c.name}`);
          assert.ok(Number.isInteger(c.createdAt) && c.createdAt > 1_600_000_000, `createdAt ${c.createdAt} is unix seconds`);
        }
      });

      it('create -> created, start -> running, stop -> exited, start again, remove -> gone', async () => {
        const name = `${env.instance}-life`;
        const id = await create('life', CMD.handlesTerm);
        assert.match(id, /^[0-9a-f]{64}$/);

        let [s] = await rt.listContainers(sel());
        assert.deepStrictEqual([s.id, s.name, s.state, s.status, s.networks, s.aliases], [id, name, 'created', 'Created', { bridge: '' }, undefined]);
        let d = await rt.inspectContainer(name);
        assert.deepStrictEqual(
          [d.id, d.name, d.state, d.status, d.pid, d.exitCode, d.restartCount, d.oomKilled, d.error, d.startedAt, d.finishedAt],
          [id, name, 'created', 'Created', 0, 0, 0, false, '', undefined, undefined],
        );

        await rt.startContainer(id);
        d = await rt.inspectContainer(id);
        assert.strictEqual(d.state, 'running');
        assert.ok(d.pid > 0, `pid ${d.pid}`);
        assert.ok(d.startedAt && !Number.isNaN(Date.parse(d.startedAt)), `startedAt ${d.startedAt}`);
        assert.match(d.networks.bridge, IPV4);
        [s] = await rt.listContainers(sel());
        assert.strictEqual(s.state, 'running');
        assert.match(s.status, /^Up /);
        assert.match(s.networks.bridge, IPV4);
        assert.deepStrictEqual(s.aliases, { bridge: [] }, 'a running container on the default bridge lists empty aliases');

        await rt.stopContainer(id, 2);
        d = await rt.inspectContainer(id);
        assert.deepStrictEqual([d.state, d.exitCode, d.pid, d.networks], ['exited', 0, 0, { bridge: '' }]);
        assert.ok(d.finishedAt && !Number.isNaN(Date.parse(d.finishedAt)), `finishedAt ${d.finishedAt}`);
        [s] = await rt.listContainers(sel());
        assert.match(s.status, /^Exited \(0\) /);

        await rt.startContainer(id);
        assert.strictEqual(await stateOf(id), 'running');
        await rt.removeContainer(id); // force: running is fine
        assert.deepStrictEqual(await rt.listContainers(sel()), []);
        await assert.rejects(rt.inspectContainer(id), berthError('E_NOT_FOUND', `"${id}"`));
        await rt.removeContainer(id); // gone: not an error
      });

      it('starting a running container, stopping a stopped or never started one are not errors', async () => {
        const id = await create('idem', CMD.handlesTerm);
        await rt.stopContainer(id, 1);
        assert.strictEqual(await stateOf(id), 'created', 'stop leaves a never started container created');
        await rt.startContainer(id);
        await rt.startContainer(id);
        assert.strictEqual(await stateOf(id), 'running');
        await rt.stopContainer(id, 1);
        await rt.stopContainer(id, 1);
        assert.strictEqual(await stateOf(id), 'exited');
      });

      it('a taken name -> E_CONFLICT naming the container', async () => {
        await create('dup', CMD.handlesTerm);
        await assert.rejects(create('dup', CMD.handlesTerm), berthError('E_CONFLICT', `cannot create container "${env.instance}-dup": `, 'already in use'));
        assert.strictEqual((await rt.listContainers(sel())).length, 1);
      });

      it('a missing container -> E_NOT_FOUND naming it for inspect, start, stop, restart, logs, exec; remove tolerates it', async () => {
        const ghost = `${env.instance}-ghost`;
        const calls: Array<[string, () => Promise<unknown>]> = [
          ['inspect', () => rt.inspectContainer(ghost)],
          ['start', () => rt.startContainer(ghost)],
          ['stop', () => rt.stopContainer(ghost, 1)],
          ['restart', () => rt.restartContainer(ghost, 1)],
          ['logs', () => rt.logs(ghost, 10)],
          ['exec', () => rt.exec(ghost, ['true'], 5000)],
        ];
        for (const [what, call] of calls) {
          await assert.rejects(call(), (e: unknown) => {
            assert.ok(isBerthError(e, 'E_NOT_FOUND'), `${what}: ${String(e)}`);
            assert.ok(e.message.includes(`"${ghost}"`), `${what}: ${e.message}`);
            return true;
          });
        }
        await rt.removeContainer(ghost);
      });

      it('an image that is not present -> E_NOT_FOUND at create, naming the container and the image', async () => {
        await assert.rejects(
          create('noimage', CMD.handlesTerm, { image: MISSING_IMAGE }),
          berthError('E_NOT_FOUND', `cannot create container "${env.instance}-noimage"`, MISSING_IMAGE),
        );
        assert.deepStrictEqual(await rt.listContainers(sel()), []);
      });

      it('restartContainer runs a new process (new pid) and starts a stopped container', async () => {
        const id = await create('re', CMD.handlesTerm);
        await rt.startContainer(id);
        const before = await rt.inspectContainer(id);
        await rt.restartContainer(id, 2);
        const after = await rt.inspectContainer(id);
        assert.deepStrictEqual([after.state, after.restartCount], ['running', 0]);
        assert.notStrictEqual(after.pid, before.pid);
        await rt.stopContainer(id, 2);
        await rt.restartContainer(id, 2);
        assert.strictEqual(await stateOf(id), 'running');
      });

      it('a host port taken by a running container -> E_CONFLICT naming the port at start; the container stays created', async () => {
        const port = await freePort('0.0.0.0');
        const ports = [{ containerPort: 80, protocol: 'tcp' as const, hostPort: port, hostIp: '' }];
        const first = await create('p1', CMD.handlesTerm, { ports });
        const second = await create('p2', CMD.handlesTerm, { ports });
        await rt.startContainer(first);
        await assert.rejects(rt.startContainer(second), berthError('E_CONFLICT', `cannot start container "${second}"`, `host port ${port}`));
        assert.strictEqual(await stateOf(second), 'created');
        await rt.stopContainer(first, 2);
        await rt.startContainer(second); // the port is free again
        assert.strictEqual(await stateOf(second), 'running');
      });
    });

    describe('stop and restart policy', () => {
      it('stop of a SIGTERM-ignoring container waits for the timeout, then it is killed (137) and not restarted despite policy always', async () => {
        const id = await create('stubborn', CMD.ignoresTerm, { restartPolicy: 'always' });
        await rt.startContainer(id);
        let stopped = false;
        let failure: unknown;
        const stopping = rt.stopContainer(id, 1).then(
          () => {
            stopped = true;
          },
          (err: unknown) => {
            failure = err;
          },
        );
        await env.advance(500);
        assert.strictEqual(stopped, false, 'stop returned before its 1 s timeout');
        assert.strictEqual(await stateOf(id), 'running', 'SIGTERM was ignored');
        await eventually(env, 'stop to return after the timeout', () => stopped || failure !== undefined, 5000);
        await stopping;
        assert.strictEqual(failure, undefined);
        let d = await rt.inspectContainer(id);
        assert.deepStrictEqual([d.state, d.exitCode], ['exited', 137]);
        await env.advance(700); // Docker's first policy restart would come 100 ms after the exit
        d = await rt.inspectContainer(id);
        assert.deepStrictEqual([d.state, d.exitCode, d.restartCount], ['exited', 137, 0]);
      });

      it('a container that handles SIGTERM stops quickly with its own exit code and is not restarted', async () => {
        const id = await create('polite', CMD.handlesTerm, { restartPolicy: 'always' });
        await rt.startContainer(id);
        let stopped = false;
        const stopping = rt.stopContainer(id, 10).then(() => {
          stopped = true;
        });
        await eventually(env, 'stop to return well before its 10 s timeout', () => stopped, 3000);
        await stopping;
        let d = await rt.inspectContainer(id);
        assert.deepStrictEqual([d.state, d.exitCode], ['exited', 0]);
        await env.advance(700);
        d = await rt.inspectContainer(id);
        assert.deepStrictEqual([d.state, d.exitCode, d.restartCount], ['exited', 0, 0]);
      });

      it('policy always restarts a container that exits on its own (restartCount + 1, logs kept); a stop ends that; a start resets the count', async () => {
        const id = await create('crashy', CMD.crashes, { restartPolicy: 'always' });
        await rt.startContainer(id);
        const d = await eventually(env, 'a restart by the policy', async () => {
          const x = await rt.inspectContainer(id);
          return x.restartCount >= 1 ? x : undefined;
        });
        assert.ok(d.state === 'running' || d.state === 'restarting', d.state);
        await eventually(env, 'the second run to log', async () => /^(crashing\n){2,}$/.test(await rt.logs(id, 0)));

        await whileTimePasses(env, 'the stop', rt.stopContainer(id, 1));
        const stopped = await rt.inspectContainer(id);
        assert.strictEqual(stopped.state, 'exited');
        await env.advance(700);
        const later = await rt.inspectContainer(id);
        assert.deepStrictEqual([later.state, later.restartCount], ['exited', stopped.restartCount], 'a stopped container is not restarted');

        await rt.startContainer(id);
        assert.strictEqual((await rt.inspectContainer(id)).restartCount, 0, 'a manual start resets the restart count');
      });

      it('policy no leaves an exited container exited with its exit code; on-failure restarts exit 7 but not exit 0', async () => {
        const no = await create('once', CMD.exitsAtOnce, { restartPolicy: 'no' });
        const ok = await create('fine', CMD.succeeds, { restartPolicy: 'on-failure' });
        const bad = await create('failing', CMD.exitsAtOnce, { restartPolicy: 'on-failure' });
        for (const id of [no, ok, bad]) await rt.startContainer(id);
        await untilState(no, 'exited');
        await untilState(ok, 'exited');
        await eventually(env, 'on-failure to restart exit 7', async () => (await rt.inspectContainer(bad)).restartCount >= 1);
        await env.advance(700);
        const [dNo, dOk] = [await rt.inspectContainer(no), await rt.inspectContainer(ok)];
        assert.deepStrictEqual([dNo.state, dNo.exitCode, dNo.restartCount], ['exited', 7, 0]);
        assert.deepStrictEqual([dOk.state, dOk.exitCode, dOk.restartCount], ['exited', 0, 0]);
        assert.strictEqual(await rt.logs(no, 0), 'bye\n');
        const [s] = await rt.listContainers({ ...sel(), [LABEL.container]: 'once' });
        assert.match(s.status, /^Exited \(7\) /);
      });
    });

    describe('logs and exec', () => {
      it('logs: nothing before the start, then the last `tail` lines (all when tail <= 0)', async () => {
        const id = await create('talk', CMD.talks);
        assert.strictEqual(await rt.logs(id, 0), '');
        await rt.startContainer(id);
        await eventually(env, 'three log lines', async () => (await rt.logs(id, 0)) === 'one\ntwo\nthree\n');
        assert.strictEqual(await rt.logs(id, 2), 'two\nthree\n');
        assert.strictEqual(await rt.logs(id, 10), 'one\ntwo\nthree\n');
      });

      it('stats: a running container uses memory and its CPU counter only grows; a stopped one reports zeros; a missing one -> E_NOT_FOUND', async () => {
        const id = await create('stats', CMD.handlesTerm, { memoryBytes: 64 * 1024 * 1024 });
        await rt.startContainer(id);
        const a = await rt.stats(id);
        await env.advance(200);
        const b = await eventually(env, 'a later sample', async () => {
          const s = await rt.stats(id);
          return s.at > a.at ? s : undefined;
        });
        assert.ok(a.memoryBytes > 0 && a.memoryBytes <= 64 * 1024 * 1024, `memory ${a.memoryBytes}`);
        assert.strictEqual(a.memoryLimitBytes, 64 * 1024 * 1024);
        assert.ok(b.cpuSeconds >= a.cpuSeconds && a.cpuSeconds >= 0);
        await rt.stopContainer(id, 2);
        const stopped = await rt.stats(id);
        assert.deepStrictEqual([stopped.memoryBytes, stopped.cpuSeconds], [0, 0]);
        await assert.rejects(rt.stats('berth-no-such-container'), berthError('E_NOT_FOUND', 'berth-no-such-container'));
      });

      it('streamLogs: timestamped lines, tail and since, without following a stopped container', async () => {
        const id = await create('lines', CMD.talks);
        await rt.startContainer(id);
        await eventually(env, 'three log lines', async () => (await rt.logs(id, 0)) === 'one\ntwo\nthree\n');
        await rt.stopContainer(id, 2);
        const read = async (opts: LogOptions): Promise<LogLine[]> => {
          const lines: LogLine[] = [];
          await whileTimePasses(env, 'log stream ends', rt.streamLogs(id, opts, (l) => lines.push(l)).done);
          return lines;
        };
        const all = await read({ follow: true });
        assert.deepStrictEqual(
          all.map((l) => [l.stream, l.text]),
          [
            ['stdout', 'one'],
            ['stdout', 'two'],
            ['stdout', 'three'],
          ],
        );
        for (const l of all) assert.match(l.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.deepStrictEqual(
          (await read({ follow: false, tail: 1 })).map((l) => l.text),
          ['three'],
        );
        assert.deepStrictEqual(await read({ follow: false, tail: 0 }), []);
        const after = Date.parse(all[2].time) / 1000 + 1;
        assert.deepStrictEqual(await read({ follow: false, sinceSeconds: after }), []);
      });

      it('streamLogs with follow: new lines while it runs; the stream ends when the container stops; close() ends it', async () => {
        const id = await create('follow', CMD.talks);
        await rt.startContainer(id);
        const seen: string[] = [];
        const s = rt.streamLogs(id, { follow: true }, (l) => seen.push(l.text));
        let ended = false;
        void s.done.then(() => (ended = true));
        await eventually(env, 'three followed lines', () => seen.length === 3);
        assert.strictEqual(ended, false);
        await whileTimePasses(env, 'stop', rt.stopContainer(id, 2));
        await eventually(env, 'the stream ends at the stop', () => ended);
        await rt.startContainer(id);
        const again = rt.streamLogs(id, { follow: true, tail: 0 }, () => undefined);
        again.close();
        await whileTimePasses(env, 'close ends it', again.done);
        await assert.rejects(
          rt.streamLogs('no-such-container-xyz', { follow: false }, () => undefined).done,
          berthError('E_NOT_FOUND', 'no-such-container-xyz'),
        );
      });

      it('exec: exit codes and output in a running container; E_CONFLICT when it does not run', async () => {
        const id = await create('exec', CMD.handlesTerm);
        await assert.rejects(rt.exec(id, EXEC.true.cmd, 5000), berthError('E_CONFLICT', `"${id}"`, 'is not running'));
        await rt.startContainer(id);
        for (const { cmd, result } of Object.values(EXEC)) assert.deepStrictEqual(await rt.exec(id, cmd, 5000), result, JSON.stringify(cmd));
        await rt.stopContainer(id, 2);
        await assert.rejects(rt.exec(id, EXEC.true.cmd, 5000), berthError('E_CONFLICT', `"${id}"`, 'is not running'));
      });
    });

    describe('networks', () => {
      it('creates, lists by labels and removes networks (by name or id); a taken name -> E_CONFLICT; a missing one is not an error', async () => {
        const net = `${env.instance}-net`;
        await rt.createNetwork(net, { ...labelsOf('net'), [LABEL.namespace]: 'default' });
        const listed = await rt.listNetworks(sel());
        assert.deepStrictEqual(
          listed.map((n) => [n.name, n.labels[LABEL.namespace], n.labels[LABEL.instance]]),
          [[net, 'default', env.instance]],
        );
        assert.match(listed[0].id, /^[0-9a-f]{64}$/);
        assert.deepStrictEqual(await rt.listNetworks({ ...sel(), [LABEL.namespace]: 'other' }), []);
        await assert.rejects(rt.createNetwork(net, labelsOf('net')), berthError('E_CONFLICT', `cannot create network "${net}"`));
        await rt.removeNetwork(listed[0].id);
        assert.deepStrictEqual(await rt.listNetworks(sel()), []);
        await rt.removeNetwork(net);
        await rt.createNetwork(net, labelsOf('net'));
        await rt.removeNetwork(net);
        assert.deepStrictEqual(await rt.listNetworks(sel()), []);
        await assert.rejects(rt.removeNetwork('bridge'), berthError('E_CONFLICT', 'cannot remove network "bridge"'));
      });

      it('a container on a user network: IPv4 while running, its aliases; connect with aliases, disconnect (twice)', async () => {
        const net = `${env.instance}-net`;
        const late = `${env.instance}-late`;
        await rt.createNetwork(net, labelsOf('net'));
        await rt.createNetwork(late, labelsOf('late'));
        const id = await create('web', CMD.handlesTerm, { network: { type: 'network', network: net, aliases: ['web', 'web.default.svc'] } });
        let [s] = await rt.listContainers(sel());
        assert.deepStrictEqual([s.networks, s.aliases], [{ [net]: '' }, undefined], 'list reports no aliases of a container that does not run');
        assert.deepStrictEqual(sorted((await rt.inspectContainer(id)).aliases?.[net]), ['web', 'web.default.svc'], 'inspect reports the configured aliases');

        await rt.startContainer(id);
        [s] = await rt.listContainers(sel());
        assert.deepStrictEqual(Object.keys(s.networks), [net]);
        assert.match(s.networks[net], IPV4);
        assert.deepStrictEqual(sorted(s.aliases?.[net]), ['web', 'web.default.svc']);

        await rt.connectNetwork(late, id, ['late-a', 'late-b']);
        let d = await rt.inspectContainer(id);
        assert.match(d.networks[late], IPV4);
        assert.deepStrictEqual(sorted(d.aliases?.[late]), ['late-a', 'late-b']);
        assert.deepStrictEqual(sorted(d.aliases?.[net]), ['web', 'web.default.svc']);
        [s] = await rt.listContainers(sel());
        assert.deepStrictEqual(sorted(s.aliases?.[late]), ['late-a', 'late-b'], 'list sees aliases connected later');
        await assert.rejects(rt.connectNetwork(late, id, []), berthError('E_CONFLICT', `cannot connect container "${id}" to network "${late}"`));

        await rt.disconnectNetwork(late, id);
        await rt.disconnectNetwork(late, id); // not connected: not an error
        d = await rt.inspectContainer(id);
        assert.deepStrictEqual(Object.keys(d.networks), [net]);
        [s] = await rt.listContainers(sel());
        assert.deepStrictEqual(Object.keys(s.aliases ?? {}), [net]);

        await assert.rejects(rt.connectNetwork(`${env.instance}-nonet`, id, []), berthError('E_NOT_FOUND', `"${env.instance}-nonet"`));
        await assert.rejects(rt.disconnectNetwork(`${env.instance}-nonet`, id), berthError('E_NOT_FOUND', `"${env.instance}-nonet"`));
        await assert.rejects(rt.connectNetwork(net, `${env.instance}-ghost`, []), berthError('E_NOT_FOUND', `"${env.instance}-ghost"`));
        await assert.rejects(rt.disconnectNetwork(net, `${env.instance}-ghost`), berthError('E_NOT_FOUND', `"${env.instance}-ghost"`));

        await rt.stopContainer(id, 2);
        d = await rt.inspectContainer(id);
        assert.deepStrictEqual(d.networks, { [net]: '' });
      });

      it('a network with a running container cannot be removed (E_CONFLICT); with only stopped ones it can, and they then fail to start (E_NOT_FOUND)', async () => {
        const net = `${env.instance}-net`;
        await rt.createNetwork(net, labelsOf('net'));
        const id = await create('member', CMD.handlesTerm, { network: { type: 'network', network: net, aliases: [] } });
        await rt.startContainer(id);
        await assert.rejects(rt.removeNetwork(net), berthError('E_CONFLICT', `cannot remove network "${net}"`));
        await rt.stopContainer(id, 2);
        await rt.removeNetwork(net);
        assert.deepStrictEqual(await rt.listNetworks(sel()), []);
        await assert.rejects(rt.startContainer(id), berthError('E_NOT_FOUND', `cannot start container "${id}"`, 'not found'));
        assert.strictEqual(await stateOf(id), 'exited');
      });

      it('a container created on a network that does not exist fails at start with E_NOT_FOUND, not at create', async () => {
        const id = await create('lost', CMD.handlesTerm, { network: { type: 'network', network: `${env.instance}-nonet`, aliases: [] } });
        await assert.rejects(rt.startContainer(id), berthError('E_NOT_FOUND', `cannot start container "${id}"`, `${env.instance}-nonet`));
        const d = await rt.inspectContainer(id);
        assert.strictEqual(d.state, 'created');
        assert.ok(d.error.includes('not found'), d.error);
      });

      it('container network mode: no networks of its own, needs its target running (E_CONFLICT), cannot be connected elsewhere (E_ENGINE)', async () => {
        const infra = await create('infra', CMD.handlesTerm);
        const side = await create('side', CMD.handlesTerm, { network: { type: 'container', container: infra } });
        await assert.rejects(rt.startContainer(side), berthError('E_CONFLICT', `cannot start container "${side}"`));
        assert.strictEqual(await stateOf(side), 'created');
        await rt.startContainer(infra);
        await rt.startContainer(side);
        const d = await rt.inspectContainer(side);
        assert.deepStrictEqual([d.state, d.networks, d.aliases], ['running', {}, undefined]);
        const [s] = await rt.listContainers({ ...sel(), [LABEL.container]: 'side' });
        assert.deepStrictEqual([s.networks, s.aliases], [{}, undefined]);
        await assert.rejects(rt.connectNetwork('bridge', side, []), berthError('E_ENGINE', `cannot connect container "${side}"`));
      });
    });

    describe('volumes', () => {
      it('creates (an existing name is not an error and keeps its labels), lists by labels and removes volumes; a missing one is not an error', async () => {
        const vol = `${env.instance}-data`;
        await rt.createVolume(vol, { ...labelsOf('data'), [LABEL.owner]: 'db' });
        await rt.createVolume(vol, { ...labelsOf('data'), [LABEL.owner]: 'other' });
        const listed = await rt.listVolumes(sel());
        assert.deepStrictEqual(
          listed.map((v) => [v.name, v.labels[LABEL.owner]]),
          [[vol, 'db']],
        );
        assert.ok(listed[0].mountpoint.length > 0);
        assert.deepStrictEqual(await rt.listVolumes({ ...sel(), [LABEL.owner]: 'web' }), []);
        await rt.removeVolume(vol);
        await rt.removeVolume(vol);
        assert.deepStrictEqual(await rt.listVolumes(sel()), []);
        await assert.rejects(rt.createVolume('x', labelsOf('x')), berthError('E_ENGINE', 'cannot create volume "x"'));
      });

      it('a volume mounted by any container, even one that never ran, cannot be removed (E_CONFLICT) until the container is', async () => {
        const vol = `${env.instance}-data`;
        await rt.createVolume(vol, labelsOf('data'));
        const mounts = [{ type: 'volume' as const, source: vol, target: '/data', readOnly: false }];
        const id = await create('db', CMD.handlesTerm, { mounts });
        await assert.rejects(rt.removeVolume(vol), berthError('E_CONFLICT', `cannot remove volume "${vol}"`, 'in use'));
        await rt.startContainer(id);
        await rt.stopContainer(id, 2);
        await assert.rejects(rt.removeVolume(vol), berthError('E_CONFLICT', `cannot remove volume "${vol}"`, 'in use'));
        await rt.removeContainer(id);
        await rt.removeVolume(vol);
        assert.deepStrictEqual(await rt.listVolumes(sel()), []);
      });

      it('mounting a volume that does not exist creates it, without labels', async () => {
        const vol = `${env.instance}-implicit`;
        await create('implicit', CMD.handlesTerm, { mounts: [{ type: 'volume', source: vol, target: '/data', readOnly: false }] });
        const made = (await rt.listVolumes({})).find((v) => v.name === vol);
        assert.ok(made, `volume ${vol} exists`);
        assert.deepStrictEqual(made.labels, {});
        assert.deepStrictEqual(await rt.listVolumes(sel()), []);
      });
    });

    describe('images', () => {
      it('knows which images are present; a ref without a tag means :latest', async () => {
        assert.strictEqual(await rt.hasImage(env.image), true);
        if (env.image.endsWith(':latest')) assert.strictEqual(await rt.hasImage(env.image.slice(0, -':latest'.length)), true);
        assert.strictEqual(await rt.hasImage(MISSING_IMAGE), false);
      });

      it("tells an image's configured USER ('' when unset); a missing image is E_NOT_FOUND", async () => {
        assert.strictEqual(await rt.imageUser(env.image), '');
        await assert.rejects(rt.imageUser(MISSING_IMAGE), (e: unknown) => isBerthError(e, 'E_NOT_FOUND'));
      });

      it('pulling an image that cannot be had -> E_PULL naming the image, with the preload hint', async () => {
        const progress: unknown[] = [];
        await assert.rejects(
          rt.pullImage(MISSING_IMAGE, (p) => progress.push(p)),
          (e: unknown) => {
            assert.ok(isBerthError(e, 'E_PULL'), String(e));
            assert.match(e.message, new RegExp(`^cannot pull image "${MISSING_IMAGE.replace(/[/.]/g, '\\$&')}": \\S`));
            assert.strictEqual(e.hint, PULL_HINT);
            return true;
          },
        );
        assert.strictEqual(await rt.hasImage(MISSING_IMAGE), false);
      });
    });

    describe('events', () => {
      it('delivers container events, in order, for containers carrying every given label, and only those', async () => {
        const events: EngineEvent[] = [];
        const errors: Error[] = [];
        const sub = rt.subscribe(
          { ...sel(), [LABEL.pod]: 'p1' },
          (e) => events.push(e),
          (err) => errors.push(err),
        );
        try {
          const mine = await create('mine', CMD.exitsAtOnce, { labels: labelsOf('mine', { [LABEL.pod]: 'p1' }) });
          const theirs = await create('theirs', CMD.exitsAtOnce, { labels: labelsOf('theirs', { [LABEL.pod]: 'p2' }) });
          const polite = await create('polite', CMD.handlesTerm, { labels: labelsOf('polite', { [LABEL.pod]: 'p1' }) });
          await rt.startContainer(theirs);
          await rt.startContainer(mine);
          await rt.startContainer(polite);
          await untilState(mine, 'exited');
          await rt.stopContainer(polite, 5);
          await rt.removeContainer(polite);
          const actions = (id: string): string[] => events.filter((e) => e.id === id).map((e) => e.action);
          await eventually(env, 'the events', () => actions(mine).includes('die') && actions(polite).includes('destroy'));
          assert.deepStrictEqual(actions(mine), ['create', 'start', 'die']);
          assert.deepStrictEqual(actions(polite), ['create', 'start', 'kill', 'die', 'stop', 'destroy']);
          assert.deepStrictEqual(actions(theirs), []);
          assert.ok(
            events.every((e) => e.type === 'container' && e.labels[LABEL.pod] === 'p1' && e.labels[LABEL.instance] === env.instance),
            JSON.stringify(events),
          );
          const die = events.find((e) => e.id === mine && e.action === 'die');
          assert.strictEqual(die?.labels[LABEL.container], 'mine');
          assert.ok((die?.time ?? 0) > 1_600_000_000, `time ${die?.time} is unix seconds`);
          assert.deepStrictEqual(errors, []);
        } finally {
          sub.close();
        }
      });

      it('kill with SIGKILL after the timeout, restarts by policy and exec show up as events', async () => {
        const events: EngineEvent[] = [];
        const sub = rt.subscribe(sel(), (e) => events.push(e));
        try {
          const stubborn = await create('stubborn', CMD.ignoresTerm);
          const crashy = await create('crashy', CMD.crashes, { restartPolicy: 'always' });
          await rt.startContainer(stubborn);
          await rt.startContainer(crashy);
          assert.deepStrictEqual(await rt.exec(stubborn, EXEC.true.cmd, 5000), EXEC.true.result);
          await whileTimePasses(env, 'the stop', rt.stopContainer(stubborn, 1));
          await eventually(env, 'a restart of crashy', async () => (await rt.inspectContainer(crashy)).restartCount >= 1);
          const actions = (id: string): string[] => events.filter((e) => e.id === id).map((e) => e.action);
          await eventually(env, 'the events', () => actions(stubborn).includes('stop') && actions(crashy).filter((a) => a === 'start').length >= 2);
          assert.deepStrictEqual(actions(stubborn), ['create', 'start', 'exec_create: true ', 'exec_start: true ', 'exec_die', 'kill', 'kill', 'die', 'stop']);
          assertInOrder(actions(crashy), ['create', 'start', 'die', 'start'], 'policy restart');
          assert.ok(!actions(crashy).includes('restart'), 'a policy restart is die + start, not "restart"');
        } finally {
          sub.close();
        }
      });

      it('a label-filtered subscription gets no network or volume events (the engine gives them no labels)', async () => {
        const events: EngineEvent[] = [];
        const sub = rt.subscribe(sel(), (e) => events.push(e));
        try {
          await rt.createNetwork(`${env.instance}-net`, labelsOf('net'));
          await rt.createVolume(`${env.instance}-vol`, labelsOf('vol'));
          const id = await create('marker', CMD.exitsAtOnce);
          // Events arrive in order: once the container's create is here, the others would be too.
          await eventually(env, 'the marker event', () => events.some((e) => e.id === id && e.action === 'create'));
          assert.deepStrictEqual(
            events.map((e) => e.type),
            ['container'],
          );
        } finally {
          sub.close();
        }
      });

      it('pastEvents: what already happened to containers carrying the labels, oldest first, with exit codes and signals', async () => {
        const since = Math.floor(Date.now() / 1000) - 1;
        const id = await create('past', CMD.handlesTerm);
        await create('other', CMD.handlesTerm, { labels: labelsOf('other', { [LABEL.pod]: 'not-this-one' }) });
        await rt.startContainer(id);
        await whileTimePasses(env, 'stop', rt.stopContainer(id, 2));
        const mine = { [LABEL.instance]: env.instance, [LABEL.container]: 'past' };
        const events = await eventually(env, 'the die event recorded', async () => {
          const es = await rt.pastEvents(mine, since);
          return es.some((e) => e.action === 'die') ? es : undefined;
        });
        assert.ok(
          events.every((e) => e.id === id),
          JSON.stringify(events),
        );
        assertInOrder(
          events.map((e) => e.action),
          ['create', 'start', 'kill', 'die', 'stop'],
          'past events',
        );
        assert.strictEqual(events.find((e) => e.action === 'die')?.exitCode, 0);
        assert.strictEqual(events.find((e) => e.action === 'kill')?.signal, '15');
      });

      it('close() ends delivery without an error', async () => {
        const events: EngineEvent[] = [];
        const errors: Error[] = [];
        const sub = rt.subscribe(
          sel(),
          (e) => events.push(e),
          (err) => errors.push(err),
        );
        const first = await create('first', CMD.exitsAtOnce);
        await rt.startContainer(first);
        await eventually(env, 'die of the first container', () => events.some((e) => e.id === first && e.action === 'die'));
        sub.close();
        const count = events.length;
        const later: EngineEvent[] = [];
        const probe = rt.subscribe(sel(), (e) => later.push(e));
        try {
          const second = await create('second', CMD.exitsAtOnce);
          await rt.startContainer(second);
          await eventually(env, 'die of the second container', () => later.some((e) => e.id === second && e.action === 'die'));
        } finally {
          probe.close();
        }
        assert.strictEqual(events.length, count);
        assert.deepStrictEqual(errors, []);
      });
    });
  });
}
