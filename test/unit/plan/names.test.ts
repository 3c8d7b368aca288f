import { strict as assert } from 'node:assert';
import { claimTemplateName, deploymentPodName, checkInstance } from '../../../src/plan/names';
import { plan } from '../../../src/plan/plan';
import type { Action } from '../../../src/plan/types';
import { isBerthError } from '../../../src/util/errors';
import { FIXTURES } from './states';
import { ctx } from './fixtures';

const EMPTY = { networks: [], volumes: [], pods: [] };

/** Every engine-side name an action would create. */
function namesOf(actions: Action[]): string[] {
  return actions.flatMap((a) => {
    switch (a.type) {
      case 'create-network':
      case 'create-volume':
        return [a.name];
      case 'write-files':
        return [a.dir];
      case 'create-pod':
        return [...(a.infra ? [a.infra.name] : []), ...a.containers.map((c) => c.name), ...a.volumes.map((v) => v.name)];
      default:
        return [];
    }
  });
}

describe('names', () => {
  it('two instances planning the same manifests share no name', () => {
    const [a, b] = ['a', 'b'].map((instance) => new Set(namesOf(plan(FIXTURES['full-stack'](), EMPTY, ctx({ instance })).actions)));
    assert.deepEqual([a.size > 10, [...a].filter((n) => b.has(n))], [true, []]);
  });

  it('instances whose names share a prefix do not collide either', () => {
    const [a, b] = ['web', 'web-2'].map((instance) => new Set(namesOf(plan(FIXTURES['full-stack'](), EMPTY, ctx({ instance })).actions)));
    assert.deepEqual(
      [...a].filter((n) => b.has(n)),
      [],
    );
  });

  for (const bad of ['', 'a_b', 'Upper', '-x', 'x-', 'x'.repeat(41), 'a/b']) {
    it(`instance ${JSON.stringify(bad)} is refused (E_USAGE)`, () => {
      assert.throws(
        () => checkInstance(bad),
        (e: unknown) => isBerthError(e, 'E_USAGE'),
      );
    });
  }

  it('Deployment pod names: <deploy>-<hash>-<5 chars>, stable for the same slot', () => {
    const n = deploymentPodName('web', '0123456789', 0);
    assert.deepEqual([/^web-0123456789-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n), deploymentPodName('web', '0123456789', 0) === n], [true, true]);
  });

  it('Deployment pod names differ by slot and by hash', () => {
    const names = new Set([0, 1, 2].flatMap((slot) => ['0123456789', 'abcdef0123'].map((h) => deploymentPodName('web', h, slot))));
    assert.equal(names.size, 6);
  });

  it("StatefulSet claim names follow Kubernetes' <template>-<sts>-<ordinal>", () => {
    assert.equal(claimTemplateName('data', 'db', 2), 'data-db-2');
  });
});
