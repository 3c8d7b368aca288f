/**
 * A pod's network endpoint removed by hand (`docker network disconnect`): the planner
 * connects the network-owning container again with its aliases instead of leaving the pod
 * unreachable (before, the plan was empty and the pod stayed off the network for good).
 */
import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { DesiredState } from '../../../src/model/types';
import { applyPlan, clone, setState, summary } from './helpers';
import { container, ctx, desired, pod, podSpec, service, web } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const run = (d: DesiredState, o: ObservedState = EMPTY) => applyPlan(o, plan(d, o, ctx()));
const NET = 'berth_unit_default';

const solo = desired({ pods: [pod('solo', web(), { labels: { app: 'solo' } })], services: [service('front', { app: 'solo' })] });
const duo = desired({ pods: [pod('duo', podSpec([container('a', 'a:1'), container('b', 'b:1')]))] });

/** Drops the endpoint on the namespace network, as the engine lists it after a disconnect. */
function disconnect(o: ObservedState, aliasesToo: boolean): ObservedState {
  const c = clone(o);
  const owner = c.pods[0].infra ?? c.pods[0].containers[0];
  delete owner.networks[NET];
  if (aliasesToo && owner.aliases) delete owner.aliases[NET];
  return c;
}

describe('plan: network disconnected by hand', () => {
  const cases = [
    {
      name: 'single-container pod, aliases gone from the listing too',
      d: solo,
      aliasesToo: true,
      owner: 'berth_unit_default_solo_web',
      aliases: ['front', 'front.default.svc.cluster.local', 'solo'],
    },
    {
      name: 'single-container pod, aliases still cached by the runtime',
      d: solo,
      aliasesToo: false,
      owner: 'berth_unit_default_solo_web',
      aliases: ['front', 'front.default.svc.cluster.local', 'solo'],
    },
    { name: 'multi-container pod: the infra container is reconnected', d: duo, aliasesToo: true, owner: 'berth_unit_default_duo_POD', aliases: ['duo'] },
  ];
  for (const c of cases) {
    it(`${c.name}: set-aliases reconnects it, nothing is recreated`, () => {
      const p = plan(c.d, disconnect(run(c.d), c.aliasesToo), ctx());
      assert.deepEqual(
        p.actions.map((a) => (a.type === 'set-aliases' ? [a.type, a.container, a.network, a.aliases, a.previous] : [a.type])),
        [['set-aliases', c.owner, NET, c.aliases, []]],
      );
    });
  }

  it('a stopped pod that was also disconnected: started first, then connected', () => {
    const o = disconnect(run(solo), true);
    setState(o.pods[0].containers[0], 'exited');
    assert.deepEqual(summary(plan(solo, o, ctx())), ['start-pod solo', 'set-aliases solo']);
  });

  it('a hostNetwork pod has no namespace endpoint: nothing to reconnect', () => {
    const d = desired({ pods: [pod('h', podSpec([container('h', 'h:1')], { hostNetwork: true }))] });
    const o = clone(run(d));
    assert.deepEqual(o.pods[0].containers[0].networks, {});
    assert.deepEqual(plan(d, o, ctx()).actions, []);
  });
});
