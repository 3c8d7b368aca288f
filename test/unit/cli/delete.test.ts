/**
 * `berth delete PATH` plans removals against an empty desired state; the grace period of each
 * removed pod must still come from the manifests being deleted (before: always 30 s, so
 * deleting three grace-1 httpd pods took a minute and a half).
 */
import { strict as assert } from 'node:assert';
import { ownedBy, withDeclaredGrace } from '../../../src/cli/commands/delete';
import { emptyDesiredState } from '../../../src/model/types';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import { applyPlan } from '../plan/helpers';
import { container, ctx, deployment, desired, pod, podSpec, statefulSet } from '../plan/fixtures';

const spec = (grace: number) => podSpec([container('c', 'c:1')], { terminationGracePeriodSeconds: grace });
const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };

describe('berth delete: grace period of the removed pods', () => {
  const declared = desired({
    pods: [pod('solo', spec(1))],
    deployments: [deployment('web', spec(2), { replicas: 2 })],
    statefulSets: [statefulSet('db', spec(3), { replicas: 1 })],
  });
  // The engine runs the declared resources and one Pod the deleted manifests do not declare.
  const all = desired({ ...declared, pods: [...declared.pods, pod('other', spec(4))] });
  const running = applyPlan(EMPTY, plan(all, EMPTY, ctx()));

  it('each removal stops with its workload terminationGracePeriodSeconds', () => {
    const actions = withDeclaredGrace(plan(emptyDesiredState(), ownedBy(declared, running), ctx()).actions, declared);
    const removals = actions.flatMap((a) => (a.type === 'remove-pod' ? [`${a.key} ${a.graceSeconds}`] : [])).sort();
    assert.deepEqual(removals, ['Deployment/default/web 2', 'Deployment/default/web 2', 'Pod/default/solo 1', 'StatefulSet/default/db 3']);
  });

  it('pods of resources the manifests do not declare are not removed', () => {
    const actions = plan(emptyDesiredState(), ownedBy(declared, running), ctx()).actions;
    assert.ok(!actions.some((a) => a.type === 'remove-pod' && a.pod === 'other'));
  });

  it('other actions pass through unchanged', () => {
    const actions = plan(emptyDesiredState(), ownedBy(declared, running), ctx()).actions.filter((a) => a.type !== 'remove-pod');
    assert.deepEqual(withDeclaredGrace(actions, declared), actions);
  });
});
