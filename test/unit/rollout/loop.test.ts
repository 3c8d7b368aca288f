/**
 * The rollout step loop on the fake engine (test/helpers/fakeRuntime.ts, held to Docker's
 * behaviour by the runtime contract), with virtual time: pods that ignore SIGTERM, a crash in
 * the middle of a step, a newer commit during a rollout that never gets ready, a progress
 * deadline across a restart, 50 pods at once, a paused Deployment.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineApplier } from '../../../src/rollout/applier';
import type { ApplyMode, StepOutcome } from '../../../src/rollout/types';
import type { DeploymentResource, DesiredState } from '../../../src/model/types';
import { LABEL, type ContainerSummary, type Runtime } from '../../../src/runtime/types';
import { FakeClock, FakeRuntime } from '../../helpers/fakeRuntime';
import { container, deployment, desired, podSpec } from '../plan/fixtures';

const INSTANCE = 'loop';
const IMAGE = 'app:1';

interface Web {
  image?: string;
  replicas?: number;
  grace?: number;
  /** With an exec readiness probe (which fails for the Loop's `neverReady` image). */
  probed?: boolean;
  over?: Partial<DeploymentResource>;
}

function web(name: string, w: Web = {}): DeploymentResource {
  const probe = w.probed
    ? {
        readinessProbe: {
          handler: { type: 'exec' as const, command: ['ready'] },
          initialDelaySeconds: 0,
          periodSeconds: 1,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 1,
        },
      }
    : {};
  const spec = podSpec([container('app', w.image ?? IMAGE, { ...probe })], { terminationGracePeriodSeconds: w.grace ?? 30 });
  return { ...deployment(name, spec, { replicas: w.replicas ?? 1 }), strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, ...w.over };
}

class Loop {
  readonly clock = new FakeClock();
  readonly runtime: FakeRuntime;
  applier!: EngineApplier;

  constructor(
    readonly stateDir: string,
    opts: { ignoresSigterm?: boolean; neverReady?: string } = {},
  ) {
    this.runtime = new FakeRuntime({
      clock: this.clock,
      images: ['app:1', 'app:2', 'app:3', 'pause:1'],
      behaviour: (spec) => ({
        ignoresSigterm: opts.ignoresSigterm ?? false,
        exec: () => ({ exitCode: spec.image === opts.neverReady ? 1 : 0, output: '' }),
      }),
    });
    this.restart();
  }

  /** A new applier on the same state directory and engine: what a restarted operator is. */
  restart(runtime: Runtime = this.runtime): void {
    this.applier = new EngineApplier(runtime, {
      instance: INSTANCE,
      stateDir: this.stateDir,
      pauseImage: 'pause:1',
      prune: true,
      log: () => undefined,
      now: () => this.clock.now(),
    });
  }

  /** Steps until the step is no longer `progressing`, a second of virtual time between looks. */
  async until(d: DesiredState, revision: string, mode: ApplyMode = 'rollout', maxSteps = 200): Promise<{ out: StepOutcome; steps: number }> {
    for (let steps = 1; steps <= maxSteps; steps++) {
      const out = await this.applier.step(d, revision, mode);
      if (out.type !== 'progressing') return { out, steps };
      await this.clock.advance(Math.max(out.requeueAfterMs, 1000));
    }
    throw new Error(`still progressing after ${maxSteps} steps`);
  }

  async containers(): Promise<ContainerSummary[]> {
    return this.runtime.listContainers({ [LABEL.instance]: INSTANCE });
  }
}

describe('rollout loop on the fake engine', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-loop-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pods that ignore SIGTERM: the rollout succeeds while the old pods terminate; they are killed at their deadline and reaped', async () => {
    const loop = new Loop(dir, { ignoresSigterm: true });
    const v1 = desired({ deployments: [web('web', { replicas: 2 })] });
    assert.equal((await loop.until(v1, 'r1')).out.type, 'converged');
    const oldIds = (await loop.containers()).map((c) => c.id);
    const start = loop.clock.now();
    const v2 = desired({ deployments: [web('web', { replicas: 2, image: 'app:2' })] });
    const { out } = await loop.until(v2, 'r2');
    assert.equal(out.type, 'converged');
    assert.ok(loop.clock.now() - start < 10_000, `took ${loop.clock.now() - start} ms of a 30 s grace period`);
    const terminating = loop.applier.terminating();
    assert.equal(terminating.length, 2);
    assert.ok(
      terminating.every((t) => t.secondsLeft > 20),
      JSON.stringify(terminating),
    );
    assert.ok((await loop.containers()).filter((c) => oldIds.includes(c.id)).every((c) => c.state === 'running'));
    await loop.clock.advance(31_000);
    await loop.applier.settled();
    assert.equal((await loop.until(v2, 'r2', 'self-heal')).out.type, 'converged');
    assert.deepEqual(
      (await loop.containers()).filter((c) => oldIds.includes(c.id)),
      [],
    );
    assert.deepEqual(loop.applier.terminating(), []);
  });

  it('a restarted operator finds its terminating pods in the state directory and kills them at the same deadline', async () => {
    const loop = new Loop(dir, { ignoresSigterm: true });
    const v1 = desired({ deployments: [web('web', { grace: 60 })] });
    await loop.until(v1, 'r1');
    await loop.until(desired({ deployments: [web('web', { grace: 60, image: 'app:2' })] }), 'r2');
    const [before] = loop.applier.terminating();
    await loop.clock.advance(20_000);
    loop.restart();
    await loop.applier.step(desired({ deployments: [web('web', { grace: 60, image: 'app:2' })] }), 'r2', 'self-heal');
    const [after] = loop.applier.terminating();
    assert.equal(after.name, before.name);
    assert.ok(after.secondsLeft <= before.secondsLeft - 19, `${before.secondsLeft} -> ${after.secondsLeft}`);
  });

  it('a Deployment pod slot whose name is still terminating gets a new pod at once under the next name (scale down and up)', async () => {
    const loop = new Loop(dir, { ignoresSigterm: true });
    await loop.until(desired({ deployments: [web('web', { replicas: 2 })] }), 'r1');
    await loop.until(desired({ deployments: [web('web', { replicas: 1 })] }), 'r2');
    assert.equal(loop.applier.terminating().length, 1);
    const { out } = await loop.until(desired({ deployments: [web('web', { replicas: 2 })] }), 'r3');
    assert.equal(out.type, 'converged');
    assert.equal((await loop.containers()).filter((c) => c.state === 'running').length, 3, 'two live pods and the terminating one');
  });

  it('50 pods are created in one step, at most 8 at once', async () => {
    const loop = new Loop(dir);
    let inFlight = 0;
    let most = 0;
    const slow = new Proxy(loop.runtime, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== 'createContainer' || typeof v !== 'function') return typeof v === 'function' ? v.bind(target) : v;
        return async (...args: unknown[]) => {
          most = Math.max(most, ++inFlight);
          await new Promise((r) => setTimeout(r, 5));
          try {
            return await (v as (...a: unknown[]) => Promise<string>).apply(target, args);
          } finally {
            inFlight--;
          }
        };
      },
    });
    loop.restart(slow);
    const d = desired({ deployments: Array.from({ length: 50 }, (_, i) => web(`w${i}`)) });
    const first = await loop.applier.step(d, 'r1', 'rollout');
    assert.equal(first.type, 'progressing');
    assert.equal((await loop.containers()).length, 50);
    assert.equal(most, 8);
  });

  it('an engine that fails in the middle of a step: the step is an error; the next process finishes it without duplicates', async () => {
    const loop = new Loop(dir);
    const d = desired({ deployments: [web('a'), web('b'), web('c')] });
    loop.runtime.failNext('startContainer');
    const first = await loop.applier.step(d, 'r1', 'rollout');
    assert.equal(first.type, 'error');
    loop.restart();
    assert.equal((await loop.until(d, 'r1')).out.type, 'converged');
    const names = (await loop.containers()).map((c) => c.name);
    assert.equal(names.length, 3);
    assert.equal(new Set(names).size, 3);
  });

  it('a newer commit during a rollout that never gets ready starts at the next step; the stuck pods are replaced by the rules', async () => {
    const loop = new Loop(dir, { neverReady: 'app:2' });
    const good = desired({ deployments: [web('web', { replicas: 2, probed: true })] });
    await loop.until(good, 'r1');
    const bad = desired({ deployments: [web('web', { replicas: 2, probed: true, image: 'app:2' })] });
    for (let i = 0; i < 5; i++) {
      assert.equal((await loop.applier.step(bad, 'r2', 'rollout')).type, 'progressing');
      await loop.clock.advance(1000);
    }
    const stuck = (await loop.containers()).filter((c) => c.image === 'app:2');
    assert.equal(stuck.length, 1, 'maxSurge 1: one new pod, never ready');
    const fix = desired({ deployments: [web('web', { replicas: 2, probed: true, image: 'app:3' })] });
    // The stuck pod of the interrupted template is an old pod now: it goes first (unavailable,
    // within the scale-down budget), which makes room for the fix's first pod in the next step.
    assert.equal((await loop.applier.step(fix, 'r3', 'rollout')).type, 'progressing');
    assert.deepEqual((await loop.applier.step(fix, 'r3', 'rollout')).type, 'progressing');
    await loop.applier.settled();
    const now = await loop.containers();
    assert.deepEqual([now.filter((c) => c.image === 'app:2').length, now.filter((c) => c.image === 'app:3').length], [0, 1]);
    const { out } = await loop.until(fix, 'r3');
    assert.equal(out.type, 'converged');
  });

  it('a progress deadline is measured from the persisted start: a restart does not reset it', async () => {
    const loop = new Loop(dir, { neverReady: 'app:2' });
    const over = { progressDeadlineSeconds: 10 };
    await loop.until(desired({ deployments: [web('web', { probed: true, over })] }), 'r1');
    const bad = desired({ deployments: [web('web', { probed: true, image: 'app:2', over })] });
    for (let i = 0; i < 6; i++) {
      await loop.applier.step(bad, 'r2', 'rollout');
      await loop.clock.advance(1000);
    }
    loop.restart();
    const { out, steps } = await loop.until(bad, 'r2');
    assert.equal(out.type, 'failed');
    assert.match(out.type === 'failed' ? out.reason : '', /progress deadline/);
    assert.ok(steps <= 7, `failed only after ${steps} more steps: the clock restarted`);
  });

  it('a paused Deployment whose template changed: converged as Suspended, old pods kept, never failed', async () => {
    const loop = new Loop(dir);
    await loop.until(desired({ deployments: [web('web', { replicas: 2 })] }), 'r1');
    const ids = (await loop.containers()).map((c) => c.id).sort();
    const paused = desired({ deployments: [web('web', { replicas: 2, image: 'app:2', over: { paused: true, progressDeadlineSeconds: 5 } })] });
    const { out } = await loop.until(paused, 'r2');
    assert.equal(out.type, 'converged');
    assert.equal(loop.applier.resources()[0].health, 'Suspended');
    await loop.clock.advance(60_000);
    assert.equal((await loop.applier.step(paused, 'r2', 'rollout')).type, 'converged');
    assert.deepEqual((await loop.containers()).map((c) => c.id).sort(), ids);
  });

  it('between steps, a settled instance is probed without listing the engine until it reports a change or 10 s pass', async () => {
    const loop = new Loop(dir);
    const d = desired({ deployments: [web('web', { replicas: 2, probed: true })] });
    assert.equal((await loop.until(d, 'r1')).out.type, 'converged');
    loop.runtime.resetCalls();
    for (let i = 0; i < 5; i++) {
      await loop.clock.advance(1000);
      await loop.applier.probe();
    }
    assert.equal(loop.runtime.calls.listContainers, 0, 'no list while nothing changed');
    assert.ok(loop.runtime.calls.exec >= 4, `the probes still run (${loop.runtime.calls.exec} execs)`);
    loop.applier.engineChanged();
    await loop.applier.probe();
    assert.equal(loop.runtime.calls.listContainers, 1, 'an engine event makes the next look list');
    await loop.applier.probe();
    assert.equal(loop.runtime.calls.listContainers, 1);
    await loop.clock.advance(10_001);
    await loop.applier.probe();
    assert.equal(loop.runtime.calls.listContainers, 2, 'and a list at least every 10 s');
  });

  it('between steps, a pod that is not ready keeps the probe loop listing the engine', async () => {
    const loop = new Loop(dir, { neverReady: 'app:2' });
    await loop.until(desired({ deployments: [web('web', { probed: true })] }), 'r1');
    const id = (await loop.containers())[0].id;
    loop.runtime.setBehaviour(id, { ignoresSigterm: false, exec: () => ({ exitCode: 1, output: 'not yet' }) });
    loop.runtime.resetCalls();
    for (let i = 0; i < 4; i++) {
      await loop.clock.advance(1000);
      await loop.applier.probe();
    }
    // The first probes reuse the settled list; once the failing probe makes the pod not ready, every look lists.
    assert.ok(loop.runtime.calls.listContainers >= 2, `${loop.runtime.calls.listContainers} lists`);
    assert.equal(loop.applier.resources()[0].health === 'Healthy', false);
  });

  it('a step plans from the kept list where the runtime counts its writes: a no-op step lists nothing; a write or an engine event makes the next one list', async () => {
    const loop = new Loop(dir);
    // Writes as DockerRuntime counts them: every request that can change what a list shows.
    let writes = 0;
    for (const m of ['createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'createNetwork'] as const) {
      const real = loop.runtime[m].bind(loop.runtime) as (...a: unknown[]) => Promise<unknown>;
      (loop.runtime as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (writes++, real(...a));
    }
    (loop.runtime as Runtime).writes = () => writes;
    loop.restart();
    const d = desired({ deployments: [web('web', { replicas: 2, probed: true })] });
    assert.equal((await loop.until(d, 'r1')).out.type, 'converged');
    await loop.clock.advance(1000);
    assert.equal((await loop.applier.step(d, 'r1', 'rollout')).type, 'converged');
    loop.runtime.resetCalls();
    for (let i = 0; i < 3; i++) {
      await loop.clock.advance(1000);
      assert.equal((await loop.applier.step(d, 'r1', 'rollout')).type, 'converged');
    }
    assert.equal(loop.runtime.calls.listContainers, 0, 'a no-op step lists nothing while nothing changed');
    // A write of berth's own (counted when sent, before any event) makes the next step list.
    const [victim] = await loop.containers();
    await loop.runtime.removeContainer(victim.id);
    loop.runtime.resetCalls();
    const out = await loop.applier.step(d, 'r1', 'rollout');
    assert.equal(loop.runtime.calls.listContainers, 1, 'listed after a write');
    assert.equal(out.type, 'progressing', 'and saw the pod gone');
    assert.equal((await loop.until(d, 'r1')).out.type, 'converged');
    await loop.clock.advance(1000);
    await loop.applier.step(d, 'r1', 'rollout');
    loop.runtime.resetCalls();
    loop.applier.engineChanged();
    await loop.applier.step(d, 'r1', 'rollout');
    assert.equal(loop.runtime.calls.listContainers, 1, 'an engine event makes the next step list');
    await loop.clock.advance(10_001);
    await loop.applier.step(d, 'r1', 'rollout');
    assert.equal(loop.runtime.calls.listContainers, 2, 'and a list at least every 10 s');
  });

  it('a step that began terminating a pod leaves the next step no kept list, though the stop is not sent yet (its endpoints drain first)', async () => {
    const loop = new Loop(dir);
    let writes = 0;
    for (const m of ['createContainer', 'startContainer', 'stopContainer', 'removeContainer', 'createNetwork'] as const) {
      const real = loop.runtime[m].bind(loop.runtime) as (...a: unknown[]) => Promise<unknown>;
      (loop.runtime as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (writes++, real(...a));
    }
    (loop.runtime as Runtime).writes = () => writes;
    let drained: () => void = () => undefined;
    const draining = new Promise<void>((resolve) => (drained = resolve));
    loop.applier = new EngineApplier(loop.runtime, {
      instance: INSTANCE,
      stateDir: dir,
      pauseImage: 'pause:1',
      prune: true,
      log: () => undefined,
      now: () => loop.clock.now(),
      beforeRemove: () => draining,
    });
    const two = desired({ deployments: [web('web', { replicas: 2, probed: true })] });
    assert.equal((await loop.until(two, 'r1')).out.type, 'converged');
    await loop.clock.advance(1000);
    await loop.applier.step(two, 'r1', 'rollout');
    const one = desired({ deployments: [web('web', { replicas: 1, probed: true })] });
    const before = writes;
    await loop.applier.step(one, 'r2', 'rollout');
    assert.equal(writes, before, 'the scale-down began a termination and sent nothing yet');
    loop.runtime.resetCalls();
    await loop.applier.step(one, 'r2', 'rollout');
    assert.equal(loop.runtime.calls.listContainers, 1, 'the next step lists');
    drained();
  });
});
