/**
 * The Runtime contract on FakeRuntime (no engine), plus the fake's own test controls.
 * The contract's commands (CMD) are mapped to scripted behaviours here, by the spec's cmd.
 */
import * as assert from 'assert';
import { CMD, EXEC, runtimeContract } from '../../contract/runtime.contract';
import { FakeClock, FakeRuntime, humanDuration, type FakeBehaviour } from '../../helpers/fakeRuntime';
import { busybox } from '../../helpers/containerSpec';
import { TEST_IMAGE } from '../../helpers/testImage';
import { LABEL, type ContainerCreateSpec, type EngineEvent } from '../../../src/runtime/types';
import { isBerthError } from '../../../src/util/errors';

const same = (a: string[] | undefined, b: string[]): boolean => !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/** What each contract command does on the real engine, as a fake behaviour. */
export function contractBehaviour(spec: ContainerCreateSpec): FakeBehaviour | undefined {
  const exec: FakeBehaviour['exec'] = (cmd) => Object.values(EXEC).find((e) => same(cmd, e.cmd))?.result;
  const cmd = spec.cmd;
  if (same(cmd, CMD.ignoresTerm)) return { ignoresSigterm: true, exec };
  if (same(cmd, CMD.handlesTerm)) return { sigtermExitCode: 0, exec };
  if (same(cmd, CMD.crashes)) return { ignoresSigterm: true, output: 'crashing\n', exitAfterMs: 300, exitCode: 3, exec };
  if (same(cmd, CMD.exitsAtOnce)) return { output: 'bye\n', exitAfterMs: 0, exitCode: 7, exec };
  if (same(cmd, CMD.succeeds)) return { output: 'done\n', exitAfterMs: 0, exitCode: 0, exec };
  if (same(cmd, CMD.talks)) return { sigtermExitCode: 0, output: 'one\ntwo\nthree\n', exec };
  return undefined;
}

describe('runtime: FakeRuntime (no engine)', () => {
  runtimeContract('FakeRuntime', async () => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime({ clock, images: [TEST_IMAGE], behaviour: contractBehaviour });
    return {
      runtime,
      instance: 't-contract-fake',
      image: TEST_IMAGE,
      advance: (ms) => clock.advance(ms),
      cleanup: async () => undefined,
    };
  });

  describe('beyond the contract', () => {
    const instance = 't-fake';
    const spec = (name: string, over: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec => busybox(instance, name, ['app'], over);

    it('FakeClock fires due timers in time order, then scheduling order, and lets promise chains settle between them', async () => {
      const clock = new FakeClock(1000);
      const seen: string[] = [];
      clock.setTimeout(() => seen.push('b@20'), 20);
      clock.setTimeout(() => seen.push('a@10'), 10);
      clock.setTimeout(() => seen.push('c@20'), 20);
      clock.setTimeout(() => seen.push('late'), 500);
      void clock.sleep(15).then(async () => {
        await Promise.resolve();
        seen.push(`slept@${clock.now() - 1000}`);
        clock.setTimeout(() => seen.push('chained@25'), 10);
      });
      await clock.advance(100);
      assert.deepStrictEqual(seen, ['a@10', 'slept@15', 'b@20', 'c@20', 'chained@25']);
      assert.strictEqual(clock.now(), 1100);
      assert.strictEqual(clock.pending, 1);
      assert.strictEqual(clock.nextAt(), 1500);
    });

    it('FakeClock.advanceUntil moves from timer to timer until the promise settles, and spots a deadlock', async () => {
      const clock = new FakeClock(0);
      const rt = new FakeRuntime({ clock, images: [TEST_IMAGE], behaviour: () => ({ ignoresSigterm: true }) });
      const id = await rt.createContainer(spec('stubborn'));
      await rt.startContainer(id);
      await clock.advanceUntil(rt.stopContainer(id, 30));
      assert.deepStrictEqual([clock.now(), rt.peek(id)?.exitCode], [30_000, 137]);
      await assert.rejects(clock.advanceUntil(new Promise(() => undefined)), /no timer is left/);
    });

    it('counts engine calls per method; test controls are not counted', async () => {
      const rt = new FakeRuntime({ images: [TEST_IMAGE] });
      const id = await rt.createContainer(spec('a'));
      await rt.startContainer(id);
      rt.resetCalls();
      const sel = { [LABEL.instance]: instance };
      await Promise.all([rt.listContainers(sel), rt.listNetworks(sel), rt.listVolumes(sel)]);
      assert.strictEqual(rt.peek(id)?.state, 'running');
      assert.deepStrictEqual([rt.calls.listContainers, rt.calls.listNetworks, rt.calls.listVolumes, rt.calls.inspectContainer], [1, 1, 1, 0]);
      assert.deepStrictEqual(rt.history.map((h) => h.method).sort(), ['listContainers', 'listNetworks', 'listVolumes']);
      assert.deepStrictEqual(rt.specOf(id)?.cmd, ['app']);
    });

    it('scripts crash loops per start, with Docker back-off (100, 200, 400 ms) and a crash on demand', async () => {
      const clock = new FakeClock();
      const rt = new FakeRuntime({
        clock,
        images: [TEST_IMAGE],
        behaviour: () => ({ exitAfterMs: (start) => (start <= 3 ? 50 : undefined), exitCode: 2 }),
      });
      const id = await rt.createContainer(spec('loop', { restartPolicy: 'always' }));
      await rt.startContainer(id);
      const t0 = clock.now();
      const starts: number[] = [];
      rt.subscribe({ [LABEL.instance]: instance }, (e) => {
        if (e.action === 'start') starts.push(clock.now() - t0);
      });
      await clock.advance(2000);
      // runs of 50 ms, then 100, 200, 400 ms of back-off
      assert.deepStrictEqual(starts, [150, 400, 850]);
      const d = rt.peek(id);
      assert.deepStrictEqual([d?.state, d?.restartCount], ['running', 3]);
      rt.exit(id, 137, { oomKilled: true });
      assert.deepStrictEqual([rt.peek(id)?.state, rt.peek(id)?.oomKilled, rt.peek(id)?.exitCode], ['restarting', true, 137]);
      await clock.advance(1000);
      assert.deepStrictEqual([rt.peek(id)?.state, rt.peek(id)?.restartCount], ['running', 4]);
    });

    it('a SIGTERM handler that takes shutdownMs finishes before the timeout, or is killed at it', async () => {
      const clock = new FakeClock();
      const rt = new FakeRuntime({ clock, images: [TEST_IMAGE], behaviour: (s) => ({ shutdownMs: s.name.endsWith('slow') ? 5000 : 300, sigtermExitCode: 0 }) });
      const quick = await rt.createContainer(spec('quick'));
      const slow = await rt.createContainer(spec('slow'));
      await rt.startContainer(quick);
      await rt.startContainer(slow);
      const done: string[] = [];
      const a = rt.stopContainer(quick, 2).then(() => done.push(`quick@${clock.now() - FakeClock.DEFAULT_START}`));
      const b = rt.stopContainer(slow, 2).then(() => done.push(`slow@${clock.now() - FakeClock.DEFAULT_START}`));
      await clock.advance(3000);
      await Promise.all([a, b]);
      assert.deepStrictEqual(done, ['quick@300', 'slow@2000']);
      assert.deepStrictEqual([rt.peek(quick)?.exitCode, rt.peek(slow)?.exitCode], [0, 137]);
    });

    it('exec answers from the hook; a durationMs beyond the timeout fails E_TIMEOUT when the clock passes it', async () => {
      const clock = new FakeClock();
      let healthy = true;
      const rt = new FakeRuntime({
        clock,
        images: [TEST_IMAGE],
        behaviour: () => ({
          exec: (cmd) => (cmd[0] === 'probe' ? (healthy ? { exitCode: 0, output: 'ok\n' } : { exitCode: 1, output: '', durationMs: 5000 }) : undefined),
        }),
      });
      const id = await rt.createContainer(spec('probed'));
      await rt.startContainer(id);
      assert.deepStrictEqual(await rt.exec(id, ['probe'], 1000), { exitCode: 0, output: 'ok\n' });
      assert.deepStrictEqual(await rt.exec(id, ['anything'], 1000), { exitCode: 0, output: '' });
      healthy = false;
      let failure: unknown;
      const pending = rt.exec(id, ['probe'], 1000).catch((e: unknown) => (failure = e));
      await clock.advance(999);
      assert.strictEqual(failure as unknown, undefined, 'still running at 999 ms');
      await clock.advance(1);
      await pending;
      assert.ok(isBerthError(failure, 'E_TIMEOUT') && failure.message.includes('within 1000 ms'), String(failure));
    });

    it('an engine that is down fails every call E_ENGINE and breaks subscriptions; failNext fails one call', async () => {
      const rt = new FakeRuntime({ images: [TEST_IMAGE] });
      const errors: Error[] = [];
      rt.subscribe(
        {},
        () => undefined,
        (e) => errors.push(e),
      );
      rt.setEngineDown(true);
      await assert.rejects(rt.listContainers({}), (e: unknown) => isBerthError(e, 'E_ENGINE') && /cannot list containers: cannot reach/.test(e.message));
      await Promise.resolve();
      assert.ok(errors.length === 1 && isBerthError(errors[0], 'E_ENGINE'), String(errors));
      rt.setEngineDown(false);
      rt.failNext('createContainer', new Error('boom'));
      await assert.rejects(rt.createContainer(spec('x')), /boom/);
      rt.failNext('removeContainer');
      await assert.rejects(
        rt.removeContainer('x'),
        (e: unknown) => isBerthError(e, 'E_ENGINE') && e.message === 'cannot remove container "x": injected failure',
      );
      await rt.createContainer(spec('x'));
    });

    it('image labels are merged into container labels; a registry image can be pulled', async () => {
      const rt = new FakeRuntime({ images: [{ ref: 'base', labels: { vendor: 'acme', [LABEL.instance]: 'ignored' } }], registry: ['app:1'] });
      const id = await rt.createContainer(spec('a', { image: 'base' }));
      assert.deepStrictEqual([rt.peek(id)?.labels.vendor, rt.peek(id)?.labels[LABEL.instance]], ['acme', instance]);
      const progress: string[] = [];
      await rt.pullImage('app:1', (p) => progress.push(p.status));
      assert.strictEqual(await rt.hasImage('app:1'), true);
      assert.strictEqual(progress[progress.length - 1], 'Status: Downloaded newer image for app:1');
      await assert.rejects(
        rt.pullImage('app:2'),
        (e: unknown) => isBerthError(e, 'E_PULL') && e.message.includes('"app:2"') && e.message.includes('manifest unknown'),
      );
    });

    it('status lines follow docker ps', async () => {
      const clock = new FakeClock();
      const rt = new FakeRuntime({ clock, images: [TEST_IMAGE], behaviour: () => ({ exitAfterMs: 90_000, exitCode: 1 }) });
      const id = await rt.createContainer(spec('s'));
      await rt.startContainer(id);
      await clock.advance(61_000);
      assert.strictEqual((await rt.listContainers({}))[0].status, 'Up About a minute');
      await clock.advance(31_000);
      assert.strictEqual((await rt.listContainers({}))[0].status, 'Exited (1) 2 seconds ago');
      assert.deepStrictEqual([humanDuration(500), humanDuration(1000), humanDuration(7_200_000)], ['Less than a second', '1 second', '2 hours']);
    });

    it('network and volume events reach unfiltered subscriptions only, with no labels', async () => {
      const rt = new FakeRuntime({ images: [TEST_IMAGE] });
      const all: EngineEvent[] = [];
      rt.subscribe({}, (e) => all.push(e));
      await rt.createNetwork('n1', { [LABEL.instance]: instance });
      await rt.createVolume('v1', { [LABEL.instance]: instance });
      await Promise.resolve();
      assert.deepStrictEqual(
        all.map((e) => [e.type, e.action, e.labels]),
        [
          ['network', 'create', {}],
          ['volume', 'create', {}],
        ],
      );
    });
  });
});
