/**
 * DaemonSet rollouts without Docker, turn by turn on the plan tests' in-memory engine: a
 * removed pod stays terminating for `terminateTurns` turns, a created pod is ready (and
 * available) from the turn after its birth unless told otherwise.
 */
import * as assert from 'node:assert/strict';
import { plan } from '../../../src/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { DaemonSetResource, DesiredState } from '../../../src/model/types';
import type { Action } from '../../../src/plan/types';
import { rolloutStep, type PodReadiness } from '../../../src/rollout/strategy';
import { daemonFenceposts } from '../../../src/rollout/daemonset';
import { daemonSetHealth } from '../../../src/health/daemonset';
import { container, ctx, daemonSet, desired, podSpec } from '../plan/fixtures';
import { applyPlan, converged } from '../plan/helpers';

type Strategy = DaemonSetResource['updateStrategy'];
const ds = (image: string, strategy?: Strategy): DesiredState => desired({ daemonSets: [daemonSet('agent', podSpec([container('app', image)]), strategy)] });

interface Sample {
  live: string[];
  terminating: string[];
}

function simulate(from: DesiredState, to: DesiredState, opts: { terminateTurns?: number; ready?: (pod: string) => boolean; maxTurns?: number } = {}) {
  let engine = converged((o) => plan(from, o, ctx()));
  const born = new Map<string, number>(engine.pods.map((p) => [p.name, -1]));
  const leaving = new Map<string, { action: Action; goneAt: number }>();
  const samples: Sample[] = [];
  const view = (): ObservedState => ({
    ...engine,
    pods: engine.pods.filter((p) => !leaving.has(p.name)),
    terminating: engine.pods.filter((p) => leaving.has(p.name)).map((p) => ({ ...p, since: 0, deadline: 1 })),
  });
  for (let turn = 0; turn < (opts.maxTurns ?? 20); turn++) {
    for (const [name, l] of leaving) {
      if (l.goneAt > turn) continue;
      engine = applyPlan(engine, { actions: [l.action] });
      leaving.delete(name);
    }
    const observed = view();
    const readiness = new Map<string, PodReadiness>(
      observed.pods.map((p) => {
        const r = (born.get(p.name) ?? turn) < turn && (opts.ready?.(p.name) ?? true);
        return [`${p.namespace}/${p.name}`, { ready: r, available: r }];
      }),
    );
    const p = plan(to, observed, ctx());
    if (p.actions.length === 0 && leaving.size === 0) return { samples, done: true, final: engine };
    for (const a of rolloutStep(p.actions, to, observed.pods, readiness, observed.terminating).actions) {
      if (a.type === 'remove-pod' && a.reason !== 'repair') leaving.set(a.pod, { action: a, goneAt: turn + (opts.terminateTurns ?? 1) });
      else engine = applyPlan(engine, { actions: [a] });
      if (a.type === 'create-pod') born.set(a.pod, turn);
      const v = view();
      samples.push({ live: v.pods.map((x) => x.specHash), terminating: (v.terminating ?? []).map((x) => x.name) });
    }
  }
  return { samples, done: false, final: engine };
}

describe('DaemonSet: one pod on this host', () => {
  it('expands to one pod named <ds>-<suffix>', () => {
    const o = converged((x) => plan(ds('app:1'), x, ctx()));
    assert.equal(o.pods.length, 1);
    assert.match(o.pods[0].name, /^agent-[a-z0-9]{5}$/);
  });

  it('maxSurge/maxUnavailable are scaled against one pod, rounding up; both 0 gives 1 unavailable', () => {
    const f = (maxSurge: string | number, maxUnavailable: string | number) =>
      daemonFenceposts(daemonSet('a', podSpec([]), { type: 'RollingUpdate', maxSurge, maxUnavailable }));
    assert.deepEqual(
      [f(0, 1), f('10%', 0), f(0, '10%'), f(0, 0)],
      [
        { surge: 0, unavailable: 1 },
        { surge: 1, unavailable: 0 },
        { surge: 0, unavailable: 1 },
        { surge: 0, unavailable: 1 },
      ],
    );
  });
});

describe('DaemonSet RollingUpdate', () => {
  it('maxSurge 0: the old pod is removed and gone before the new one is created (never two pods)', () => {
    const from = ds('app:1');
    const to = ds('app:2');
    const sim = simulate(from, to, { terminateTurns: 2 });
    assert.equal(sim.done, true);
    assert.ok(
      sim.samples.every((s) => s.live.length + s.terminating.length <= 1),
      JSON.stringify(sim.samples),
    );
    assert.deepEqual(
      sim.final.pods.map((p) => p.specHash),
      [to.daemonSets[0].templateHash],
    );
  });

  it('maxSurge 1: the new pod starts beside the old one, which goes only once the new one is available', () => {
    const strategy: Strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const to = ds('app:2', strategy);
    const sim = simulate(ds('app:1', strategy), to);
    assert.equal(sim.done, true);
    assert.equal(Math.max(...sim.samples.map((s) => s.live.length)), 2);
    // Never a moment without a live pod.
    assert.ok(sim.samples.every((s) => s.live.length >= 1));
    assert.deepEqual(
      sim.final.pods.map((p) => p.specHash),
      [to.daemonSets[0].templateHash],
    );
  });

  it('maxSurge 1 with a new pod that never becomes ready: the old pod keeps serving', () => {
    const strategy: Strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const from = ds('app:1', strategy);
    const old = converged((o) => plan(from, o, ctx())).pods[0].name;
    const sim = simulate(from, ds('app:bad', strategy), { ready: (p) => p === old, maxTurns: 6 });
    assert.equal(sim.done, false);
    assert.deepEqual(sim.samples[sim.samples.length - 1].live.length, 2);
  });

  it('maxSurge 1: an old pod that is not ready is removed at once', () => {
    const strategy: Strategy = { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 };
    const from = ds('app:1', strategy);
    const to = ds('app:2', strategy);
    const observed = converged((o) => plan(from, o, ctx()));
    const step = rolloutStep(plan(to, observed, ctx()).actions, to, observed.pods, new Map());
    assert.deepEqual(
      step.actions
        .filter((a) => a.type === 'create-pod' || a.type === 'remove-pod')
        .map((a) => a.type)
        .sort(),
      ['create-pod', 'remove-pod'],
    );
  });
});

describe('DaemonSet OnDelete', () => {
  const onDelete: Strategy = { type: 'OnDelete' };

  it('a template change leaves the running pod alone; the health says it runs an older template', () => {
    const from = ds('app:1', onDelete);
    const to = ds('app:2', onDelete);
    const observed = converged((o) => plan(from, o, ctx()));
    assert.deepEqual(
      plan(to, observed, ctx()).actions.filter((a) => a.type === 'create-pod' || a.type === 'remove-pod'),
      [],
    );
    const view = {
      ownerKey: 'DaemonSet/default/agent',
      namespace: 'default',
      name: observed.pods[0].name,
      specHash: observed.pods[0].specHash,
      running: true,
      ready: true,
      readySince: 0,
      restarts: 0,
    };
    const h = daemonSetHealth(to.daemonSets[0], [view], 1000);
    assert.equal(h.health, 'Healthy');
    assert.match(h.message, /older template/);
  });

  it('once the pod is deleted by hand, the new template runs', () => {
    const to = ds('app:2', onDelete);
    const after = converged((o) => plan(to, o, ctx()));
    assert.deepEqual(
      after.pods.map((p) => p.specHash),
      [to.daemonSets[0].templateHash],
    );
  });
});
