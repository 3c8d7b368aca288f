import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { CreatePodAction } from '../../../src/plan/types';
import type { ObservedState } from '../../../src/observe/types';
import { applyPlan, types } from './helpers';
import { ctx } from './fixtures';
import { FIXTURES, fullStack } from './states';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

describe('plan: from nothing', () => {
  it('creates in order: networks, volumes, files, pods', () => {
    const p = plan(fullStack(), EMPTY, ctx());
    const rank = ['create-network', 'create-volume', 'write-files', 'create-pod'];
    const seen = types(p).map((t) => rank.indexOf(t));
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    assert.deepEqual(new Set(types(p)), new Set(rank));
  });

  it('creates one network per namespace, named per instance', () => {
    const names = plan(fullStack(), EMPTY, ctx()).actions.flatMap((a) => (a.type === 'create-network' ? [a.name] : []));
    assert.deepEqual(names, ['berth_unit_default', 'berth_unit_shop']);
  });

  it('creates StatefulSet pods in ordinal order', () => {
    const pods = plan(fullStack(), EMPTY, ctx()).actions.flatMap((a) => (a.type === 'create-pod' && a.kind === 'StatefulSet' ? [a.pod] : []));
    assert.deepEqual(pods, ['db-0', 'db-1', 'db-2']);
  });

  it('a plan from nothing applies cleanly (no name in use, nothing missing)', () => {
    for (const [name, make] of Object.entries(FIXTURES)) {
      assert.doesNotThrow(() => applyPlan(EMPTY, plan(make(), EMPTY, ctx())), name);
    }
  });
});

describe('plan: idempotence', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: planning again after applying gives zero actions`, () => {
      const after = applyPlan(EMPTY, plan(make(), EMPTY, ctx()));
      assert.deepEqual(plan(make(), after, ctx()).actions, []);
    });
  }

  it('a different revision alone changes nothing (revision is not compared)', () => {
    const after = applyPlan(EMPTY, plan(fullStack(), EMPTY, ctx()));
    assert.deepEqual(plan(fullStack(), after, ctx({ revision: 'f'.repeat(40) })).actions, []);
  });

  it('is deterministic: the same inputs give the same plan', () => {
    assert.deepEqual(plan(fullStack(), EMPTY, ctx()), plan(fullStack(), EMPTY, ctx()));
  });
});

describe('plan: pods of several containers', () => {
  const p = plan(FIXTURES['multi-container-pod'](), EMPTY, ctx());
  const create = p.actions.find((a): a is CreatePodAction => a.type === 'create-pod') as CreatePodAction;

  it('gets an infra container from the pause image holding network and aliases', () => {
    assert.deepEqual(
      { name: create.infra?.name, image: create.infra?.image, entrypoint: create.infra?.entrypoint, network: create.infra?.network },
      {
        name: 'berth_unit_default_duo_POD',
        image: 'berth-test/busybox:latest',
        entrypoint: ['sleep', '2147483647'],
        network: { type: 'network', network: 'berth_unit_default', aliases: ['duo'] },
      },
    );
  });

  it('has its containers join the infra container', () => {
    assert.deepEqual(
      create.containers.map((c) => c.network),
      [
        { type: 'container', container: 'berth_unit_default_duo_POD' },
        { type: 'container', container: 'berth_unit_default_duo_POD' },
      ],
    );
  });

  it('a single-container pod has no infra container and owns its endpoint', () => {
    const single = plan(FIXTURES['single-pod'](), EMPTY, ctx()).actions.find((a): a is CreatePodAction => a.type === 'create-pod');
    assert.deepEqual([single?.infra, single?.containers[0].network.type], [undefined, 'network']);
  });
});
