/**
 * The rollout planner, without Docker: a rollout is simulated turn by turn on the in-memory
 * engine of the plan tests (plan -> rolloutStep -> apply action by action), pods becoming
 * ready one turn after they are created (or never), and the bounds are checked after every
 * single action, as a sampler on a real engine would see them.
 */
import * as assert from 'node:assert/strict';
import { plan } from '../../../src/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { DesiredState, DeploymentResource, StatefulSetResource } from '../../../src/model/types';
import type { Action } from '../../../src/plan/types';
import { fenceposts, rolloutStep, type PodReadiness } from '../../../src/rollout/strategy';
import { container, ctx, deployment, desired, podSpec, statefulSet } from '../plan/fixtures';
import { workloadHealth } from '../../../src/health/workload';
import { ProgressClock } from '../../../src/rollout/progress';
import { applyPlan, converged } from '../plan/helpers';

const spec = (image: string) => podSpec([container('app', image)]);

function deploy(image: string, replicas: number, over: Partial<DeploymentResource> = {}): DesiredState {
  return desired({ deployments: [{ ...deployment('web', spec(image), { replicas }), ...over }] });
}

function sts(image: string, replicas: number, over: Partial<StatefulSetResource> = {}): DesiredState {
  return desired({ statefulSets: [{ ...statefulSet('db', spec(image), { replicas }), ...over }] });
}

interface Sample {
  pods: number;
  available: number;
  old: number;
  fresh: number;
  /** Pods terminating (they count toward nothing). */
  terminating: number;
}

interface Simulation {
  samples: Sample[];
  /** Pod names created/removed per turn, in order. */
  turns: string[][];
  final: ObservedState;
  done: boolean;
}

interface SimOptions {
  readyWhen?: (pod: string, born: number, turn: number) => boolean;
  maxTurns?: number;
  /** A removed pod stays terminating this many turns (pods that ignore SIGTERM); 0: gone at once. */
  terminateTurns?: number;
  /** Start from this state instead of `from` converged. */
  start?: ObservedState;
}

/**
 * Runs `to` against the state `from` converged to. `ready(name, turn)` says whether a pod
 * created at turn `born` is ready at `turn` (default: from the next turn on). As on the
 * engine (runStep.ts), a removal begins terminating: the pod leaves the live pods at once and
 * its containers go `terminateTurns` turns later; a creation of a name that is leaving in the
 * same step waits for a later turn.
 */
function simulate(from: DesiredState, to: DesiredState, opts: SimOptions = {}): Simulation {
  const readyWhen = opts.readyWhen ?? ((_p, born, turn) => turn > born);
  let engine = opts.start ?? converged((o) => plan(from, o, ctx()));
  const born = new Map<string, number>(engine.pods.map((p) => [p.name, -1]));
  const leaving = new Map<string, { action: Action; goneAt: number }>();
  const hash = to.deployments[0]?.templateHash ?? to.statefulSets[0]?.templateHash;
  const samples: Sample[] = [];
  const turns: string[][] = [];
  const view = (): ObservedState => ({
    ...engine,
    pods: engine.pods.filter((p) => !leaving.has(p.name)),
    terminating: engine.pods.filter((p) => leaving.has(p.name)).map((p) => ({ ...p, since: 0, deadline: 1 })),
  });
  const readinessAt = (turn: number) =>
    new Map<string, PodReadiness>(
      view().pods.map((p) => {
        const r = readyWhen(p.name, born.get(p.name) ?? turn, turn);
        return [`${p.namespace}/${p.name}`, { ready: r, available: r }];
      }),
    );
  const sample = (turn: number) => {
    const readiness = readinessAt(turn);
    const live = view().pods;
    const available = live.filter((p) => readiness.get(`${p.namespace}/${p.name}`)?.available).length;
    const fresh = live.filter((p) => p.specHash === hash).length;
    samples.push({ pods: live.length, available, old: live.length - fresh, fresh, terminating: leaving.size });
  };
  for (let turn = 0; turn < (opts.maxTurns ?? 60); turn++) {
    for (const [name, l] of leaving) {
      if (l.goneAt > turn) continue;
      engine = applyPlan(engine, { actions: [l.action] });
      leaving.delete(name);
    }
    const observed = view();
    const p = plan(to, observed, ctx());
    const step = rolloutStep(p.actions, to, observed.pods, readinessAt(turn), observed.terminating);
    if (p.actions.length === 0 && leaving.size === 0) return { samples, turns, final: engine, done: true };
    const names: string[] = [];
    const terminate = (opts.terminateTurns ?? 0) > 0;
    const leavingNow = new Set(step.actions.filter((a) => a.type === 'remove-pod' && a.reason !== 'repair').map((a) => ('pod' in a ? a.pod : '')));
    for (const a of step.actions) {
      if (terminate && a.type === 'create-pod' && leavingNow.has(a.pod)) continue;
      if (terminate && a.type === 'remove-pod' && a.reason !== 'repair') leaving.set(a.pod, { action: a, goneAt: turn + (opts.terminateTurns ?? 0) });
      else engine = applyPlan(engine, { actions: [a] });
      if (a.type === 'create-pod') born.set(a.pod, turn);
      if (a.type === 'create-pod' || a.type === 'remove-pod') names.push(`${a.type === 'create-pod' ? '+' : '-'}${a.pod}`);
      sample(turn);
    }
    turns.push(names);
  }
  return { samples, turns, final: engine, done: false };
}

const max = (s: Sample[], f: (x: Sample) => number) => Math.max(...s.map(f));
const min = (s: Sample[], f: (x: Sample) => number) => Math.min(...s.map(f));

describe('rollout: fenceposts (Kubernetes rounding: surge up, unavailable down)', () => {
  const table: [string | number, string | number, number, number, number][] = [
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 10, 3, 2],
    ['50%', '50%', 3, 2, 1],
    [2, 0, 4, 2, 0],
    [0, 1, 4, 0, 1],
    [0, 0, 3, 0, 1],
    ['0%', '0%', 5, 0, 1],
    ['10%', '100%', 3, 1, 3],
  ];
  for (const [s, u, r, surge, unavailable] of table) {
    it(`maxSurge ${s}, maxUnavailable ${u}, replicas ${r} -> +${surge} / -${unavailable}`, () => {
      assert.deepEqual(fenceposts(s, u, r), { surge, unavailable });
    });
  }
});

describe('rollout: Deployment RollingUpdate', () => {
  const cases: [string, string | number, string | number, number][] = [
    ['25%/25% of 4', '25%', '25%', 4],
    ['surge 0, unavailable 1 of 4', 0, 1, 4],
    ['surge 2, unavailable 0 of 3', 2, 0, 3],
    ['50%/50% of 3', '50%', '50%', 3],
    ['25%/25% of 1', '25%', '25%', 1],
  ];
  for (const [name, maxSurge, maxUnavailable, replicas] of cases) {
    it(`${name}: stays within replicas + surge pods and replicas - unavailable available, and finishes`, () => {
      const strategy = { type: 'RollingUpdate' as const, maxSurge, maxUnavailable };
      const sim = simulate(deploy('app:1', replicas, { strategy }), deploy('app:2', replicas, { strategy }));
      const { surge, unavailable } = fenceposts(maxSurge, maxUnavailable, replicas);
      assert.equal(sim.done, true);
      assert.ok(max(sim.samples, (s) => s.pods) <= replicas + surge, `pods ${max(sim.samples, (s) => s.pods)} > ${replicas + surge}`);
      assert.ok(
        min(sim.samples, (s) => s.available) >= replicas - unavailable,
        `available ${min(sim.samples, (s) => s.available)} < ${replicas - unavailable}`,
      );
      assert.deepEqual([sim.final.pods.length, sim.samples[sim.samples.length - 1].old], [replicas, 0]);
      // It took several steps, not one big replace.
      assert.ok(sim.turns.filter((t) => t.length > 0).length > 1 || replicas === 1);
    });
  }

  it('new pods that never become ready: the rollout stops at the bounds (3 old serving, 2 new waiting), as Kubernetes does', () => {
    const sim = simulate(deploy('app:1', 4), deploy('app:bad', 4), { readyWhen: (_p, born) => born < 0, maxTurns: 10 });
    assert.equal(sim.done, false);
    const last = sim.samples[sim.samples.length - 1];
    assert.deepEqual([last.old, last.fresh, min(sim.samples, (s) => s.available)], [3, 2, 3]);
  });

  it('never-ready with surge 1, unavailable 0: all old pods keep serving', () => {
    const strategy = { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: 0 };
    const sim = simulate(deploy('app:1', 3, { strategy }), deploy('app:bad', 3, { strategy }), { readyWhen: (_p, born) => born < 0, maxTurns: 10 });
    assert.deepEqual([min(sim.samples, (s) => s.old), max(sim.samples, (s) => s.fresh)], [3, 1]);
  });

  it('unavailable old pods are removed first', () => {
    const strategy = { type: 'RollingUpdate' as const, maxSurge: 0, maxUnavailable: 1 };
    const from = deploy('app:1', 3, { strategy });
    const to = deploy('app:2', 3, { strategy });
    const observed = converged((o) => plan(from, o, ctx()));
    const sick = observed.pods[2].name;
    const readiness = new Map(observed.pods.map((p) => [`default/${p.name}`, { ready: p.name !== sick, available: p.name !== sick }]));
    const step = rolloutStep(plan(to, observed, ctx()).actions, to, observed.pods, readiness);
    const removed = step.actions.filter((a) => a.type === 'remove-pod').map((a) => (a.type === 'remove-pod' ? a.pod : ''));
    // The sick one costs no availability; no available one may go (2 available, 2 needed).
    assert.deepEqual(removed, [sick]);
  });

  it("an old pod that flaps while the new one is not ready is not removed (Kubernetes' scale-down budget)", () => {
    const strategy = { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: 0 };
    const from = deploy('app:1', 2, { strategy });
    const to = deploy('app:2', 2, { strategy });
    let observed = converged((o) => plan(from, o, ctx()));
    const [flapping, steady] = observed.pods.map((p) => p.name);
    observed = applyPlan(observed, {
      actions: rolloutStep(
        plan(to, observed, ctx()).actions,
        to,
        observed.pods,
        new Map(observed.pods.map((p) => [`default/${p.name}`, { ready: true, available: true }])),
      ).actions,
      warnings: [],
    });
    assert.equal(observed.pods.length, 3);
    const readiness = new Map(observed.pods.map((p) => [`default/${p.name}`, { ready: p.name === steady, available: p.name === steady }]));
    const step = rolloutStep(plan(to, observed, ctx()).actions, to, observed.pods, readiness);
    assert.deepEqual(
      step.actions.filter((a) => a.type === 'remove-pod' || a.type === 'create-pod'),
      [],
      `${flapping} was touched`,
    );
  });

  it('scaling alone (same template) creates every new replica at once and touches no pod', () => {
    const sim = simulate(deploy('app:1', 2), deploy('app:1', 5));
    assert.equal(sim.turns.length, 1);
    assert.equal(sim.turns[0].filter((n) => n.startsWith('-')).length, 0);
    assert.equal(sim.turns[0].length, 3);
  });

  it('a paused Deployment keeps the old pods and says so', () => {
    const from = deploy('app:1', 2);
    const to = deploy('app:2', 2, { paused: true });
    const observed = converged((o) => plan(from, o, ctx()));
    const step = rolloutStep(plan(to, observed, ctx()).actions, to, observed.pods, new Map());
    assert.deepEqual(
      step.actions.filter((a) => a.type === 'create-pod' || a.type === 'remove-pod'),
      [],
    );
    assert.match(step.held[0].reason, /paused/);
  });

  it('Recreate: all old pods go before any new one comes', () => {
    const strategy = { type: 'Recreate' as const };
    const sim = simulate(deploy('app:1', 3, { strategy }), deploy('app:2', 3, { strategy }));
    assert.equal(sim.done, true);
    assert.ok(
      sim.samples.every((s) => s.old === 0 || s.fresh === 0),
      'old and new pods at the same time',
    );
    assert.deepEqual(
      sim.turns[0].map((n) => n[0]),
      ['-', '-', '-'],
    );
  });

  it('rollback mid-rollout: the new pod goes, the old pods are kept (not recreated)', () => {
    const strategy = { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: 0 };
    const from = deploy('app:1', 4, { strategy });
    const bad = deploy('app:bad', 4, { strategy });
    let observed = converged((o) => plan(from, o, ctx()));
    const oldNames = observed.pods.map((p) => p.name).sort();
    const ready = (o: ObservedState) =>
      new Map(o.pods.map((p) => [`default/${p.name}`, { ready: oldNames.includes(p.name), available: oldNames.includes(p.name) }]));
    observed = applyPlan(observed, { actions: rolloutStep(plan(bad, observed, ctx()).actions, bad, observed.pods, ready(observed)).actions, warnings: [] });
    assert.equal(observed.pods.length, 5);
    const back = rolloutStep(plan(from, observed, ctx()).actions, from, observed.pods, ready(observed));
    const pods = back.actions.filter((a) => a.type === 'create-pod' || a.type === 'remove-pod').map((a) => `${a.type} ${'pod' in a ? a.pod : ''}`);
    assert.equal(pods.length, 1);
    assert.match(pods[0], /^remove-pod web-/);
    observed = applyPlan(observed, { actions: back.actions, warnings: [] });
    assert.deepEqual(observed.pods.map((p) => p.name).sort(), oldNames);
  });
});

describe('rollout: StatefulSet', () => {
  it('OrderedReady creation: one ordinal per turn, each after the one below is ready', () => {
    const sim = simulate(desired(), sts('db:1', 3));
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [['+db-0'], ['+db-1'], ['+db-2']],
    );
  });

  it('Parallel creation: all ordinals in one step', () => {
    const sim = simulate(desired(), sts('db:1', 3, { podManagementPolicy: 'Parallel' }));
    assert.deepEqual(sim.turns[0], ['+db-0', '+db-1', '+db-2']);
  });

  it('OrderedReady waits while an ordinal below is not ready', () => {
    const sim = simulate(desired(), sts('db:1', 3), { readyWhen: (p, born, turn) => p !== 'db-0' && turn > born, maxTurns: 5 });
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [['+db-0']],
    );
  });

  it('update: one pod at a time from the highest ordinal down, each ready before the next', () => {
    const sim = simulate(sts('db:1', 3), sts('db:2', 3));
    assert.equal(sim.done, true);
    const steps = sim.turns.filter((t) => t.length);
    assert.deepEqual(steps, [
      ['-db-2', '+db-2'],
      ['-db-1', '+db-1'],
      ['-db-0', '+db-0'],
    ]);
    assert.ok(sim.samples.every((s) => s.pods >= 2));
  });

  it('partition 2 of 4: only ordinals 3 and 2 are updated', () => {
    const part = (image: string) => sts(image, 4, { updateStrategy: { type: 'RollingUpdate', partition: 2 } });
    const sim = simulate(part('db:1'), part('db:2'));
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [
        ['-db-3', '+db-3'],
        ['-db-2', '+db-2'],
      ],
    );
  });

  it('scale-down: the highest ordinal first, one at a time', () => {
    const sim = simulate(sts('db:1', 4), sts('db:1', 2));
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [['-db-3'], ['-db-2']],
    );
  });
});

describe("rollout: terminating pods count toward nothing (Kubernetes' deletionTimestamp)", () => {
  const strategy = { type: 'RollingUpdate' as const, maxSurge: 1, maxUnavailable: 0 };

  it('a Deployment of pods that ignore SIGTERM finishes its rollout while the old pods still terminate, within its bounds', () => {
    const slow = simulate(deploy('app:1', 3, { strategy }), deploy('app:2', 3, { strategy }), { terminateTurns: 30 });
    assert.equal(slow.done, true);
    // Every old pod was replaced while the first was still terminating: no step waited for a stop.
    const replacedAt = slow.samples.findIndex((s) => s.old === 0 && s.fresh === 3);
    assert.ok(replacedAt >= 0 && slow.samples[replacedAt].terminating === 3, JSON.stringify(slow.samples[replacedAt]));
    assert.ok(max(slow.samples, (s) => s.pods) <= 4 && min(slow.samples, (s) => s.available) >= 3);
  });

  it('a Deployment slot whose name a terminating pod holds gets the next name; the choice sticks once that pod is gone', () => {
    const from = deploy('app:1', 2);
    const start = converged((o) => plan(from, o, ctx()));
    const [a] = start.pods;
    const observed: ObservedState = { ...start, pods: start.pods.filter((p) => p !== a), terminating: [{ ...a, since: 0, deadline: 1 }] };
    const creates = plan(from, observed, ctx()).actions.filter((x) => x.type === 'create-pod');
    assert.equal(creates.length, 1);
    const fresh = creates[0].type === 'create-pod' ? creates[0].pod : '';
    assert.notEqual(fresh, a.name);
    // The terminating pod goes; the new pod keeps its slot, nothing is replaced.
    const after = applyPlan({ ...start, pods: start.pods.filter((p) => p !== a) }, { actions: creates });
    assert.deepEqual(plan(from, after, ctx()).actions, []);
  });

  it('replicas lowered during a rollout: the surplus new pods go in the first step, within replicas + maxSurge at once', () => {
    const s = { type: 'RollingUpdate' as const, maxSurge: '100%', maxUnavailable: 0 };
    const newHash = deploy('app:2', 2, { strategy: s }).deployments[0].templateHash.slice(0, 10);
    const oldOnly = (p: string) => !p.includes(newHash); // the new pods never become ready
    const partway = simulate(deploy('app:1', 4, { strategy: s }), deploy('app:2', 4, { strategy: s }), { maxTurns: 1, readyWhen: oldOnly });
    assert.equal(partway.final.pods.length, 8);
    const sim = simulate(deploy('app:1', 4, { strategy: s }), deploy('app:2', 2, { strategy: s }), { start: partway.final, readyWhen: oldOnly, maxTurns: 5 });
    const afterFirstStep = sim.samples[sim.turns[0].length - 1];
    assert.deepEqual([afterFirstStep.pods, afterFirstStep.fresh], [4, 2]);
    assert.ok(afterFirstStep.available >= 2);
  });

  it('StatefulSet scale-down with a template change: the condemned go first, one at a time, each gone before the next, then the update from the top', () => {
    const sim = simulate(sts('db:1', 4), sts('db:2', 2), { terminateTurns: 2 });
    assert.equal(sim.done, true);
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [['-db-3'], ['-db-2'], ['-db-1'], ['+db-1'], ['-db-0'], ['+db-0']],
    );
    assert.ok(
      sim.samples.every((x) => x.terminating <= 1),
      'two pods terminating at once',
    );
  });

  it('OrderedReady scale-down waits while a lower pod is unhealthy', () => {
    const sim = simulate(sts('db:1', 4), sts('db:1', 2), { readyWhen: (p) => p !== 'db-0', maxTurns: 5 });
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [],
    );
  });

  it('Parallel scale-down removes every condemned pod at once', () => {
    const par = (n: number) => sts('db:1', n, { podManagementPolicy: 'Parallel' });
    const sim = simulate(par(4), par(1), { terminateTurns: 2 });
    assert.deepEqual(
      sim.turns.filter((t) => t.length),
      [['-db-3', '-db-2', '-db-1']],
    );
  });

  it('OrderedReady creation waits for minReadySeconds (ready is not yet available)', () => {
    const to = sts('db:1', 2, { minReadySeconds: 10 });
    const start = simulate(desired(), to, { maxTurns: 1 }).final;
    const readiness = new Map(start.pods.map((p) => [`${p.namespace}/${p.name}`, { ready: true, available: false }]));
    const step = rolloutStep(plan(to, start, ctx()).actions, to, start.pods, readiness);
    assert.deepEqual(
      step.actions.filter((a) => a.type === 'create-pod'),
      [],
    );
    assert.match(step.held[0].reason, /available \(minReadySeconds 10\)/);
  });

  it('an ordinal is created again only once its terminating pod is gone (the planner holds the name)', () => {
    const from = sts('db:1', 2);
    const start = converged((o) => plan(from, o, ctx()));
    const one = start.pods.find((p) => p.name === 'db-1')!;
    const observed: ObservedState = { ...start, pods: start.pods.filter((p) => p !== one), terminating: [{ ...one, since: 0, deadline: 5000 }] };
    const p = plan(sts('db:1', 2), observed, ctx());
    assert.deepEqual(
      p.actions.filter((a) => a.type === 'create-pod'),
      [],
    );
    assert.deepEqual(
      p.held.map((h) => h.pod),
      ['db-1'],
    );
    assert.equal(plan(sts('db:1', 2), { ...observed, terminating: [] }, ctx()).actions.filter((a) => a.type === 'create-pod').length, 1);
  });

  it('a namespace network stays while a pod in it terminates', () => {
    const from = desired({ deployments: [deployment('web', spec('app:1'), { replicas: 1, namespace: 'shop' })] });
    const start = converged((o) => plan(from, o, ctx()));
    const observed: ObservedState = { ...start, pods: [], terminating: start.pods.map((p) => ({ ...p, since: 0, deadline: 1 })) };
    assert.deepEqual(
      plan(desired(), observed, ctx()).actions.filter((a) => a.type === 'remove-network'),
      [],
    );
    assert.equal(plan(desired(), { ...start, pods: [] }, ctx()).actions.filter((a) => a.type === 'remove-network').length, 1);
  });
});

describe('rollout: a paused Deployment', () => {
  it('is held as suspended (not waiting for readiness), reports Suspended and never stalls', () => {
    const from = deploy('app:1', 2);
    const to = deploy('app:2', 2, { paused: true });
    const observed = converged((o) => plan(from, o, ctx()));
    const step = rolloutStep(plan(to, observed, ctx()).actions, to, observed.pods, new Map());
    assert.deepEqual(
      step.held.map((h) => h.suspended),
      [true],
    );
    const views = observed.pods.map((p) => ({
      ownerKey: 'Deployment/default/web',
      namespace: 'default',
      name: p.name,
      specHash: p.specHash,
      running: true,
      ready: true,
      readySince: 0,
      restarts: 0,
    }));
    const health = workloadHealth(to, views, 10_000);
    assert.equal(health[0].health, 'Suspended');
    const clock = new ProgressClock(to, 'rollout:x', 0);
    assert.deepEqual(clock.stalled(health, 10 * 3600_000), []);
  });
});
