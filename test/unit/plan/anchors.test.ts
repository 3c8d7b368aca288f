/** ClusterIP Services with anchors (ctx.serviceAnchors): the names move from the pods to the anchor. */
import { strict as assert } from 'node:assert';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { CreatePodAction } from '../../../src/plan/types';
import { applyPlan } from './helpers';
import { renderPlan } from '../../../src/plan';
import { ctx, deployment, desired, service, web } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const anchored = ctx({ serviceAnchors: true });
const state = (clusterIP?: string) =>
  desired({ deployments: [deployment('web', web(), { replicas: 2 })], services: [service('web', { app: 'web' }, clusterIP ? { clusterIP } : {})] });
const creates = (o: ObservedState, d = state()) => plan(d, o, anchored).actions.filter((a): a is CreatePodAction => a.type === 'create-pod');
const aliases = (a: CreatePodAction) => {
  const owner = a.infra ?? a.containers[0];
  return owner.network.type === 'network' ? owner.network.aliases : [];
};

describe('plan: Service anchors', () => {
  it('a ClusterIP Service gets an anchor pod holding its names; the pods keep only their own', () => {
    const c = creates(EMPTY);
    const anchor = c.find((a) => a.kind === 'Service');
    assert.ok(anchor);
    assert.deepEqual([anchor.pod, anchor.owner, anchor.key, anchor.containers.length], ['SVC-web', 'web', 'Service/default/web', 0]);
    assert.deepEqual(aliases(anchor), ['web', 'web.default.svc.cluster.local']);
    for (const p of c.filter((a) => a.kind === 'Deployment')) assert.deepEqual(aliases(p), [p.pod]);
  });

  it("the diff names the anchor's image (its infra container's)", () => {
    const line = renderPlan(plan(state(), EMPTY, anchored))
      .split('\n')
      .find((l) => l.includes('Service default/web'));
    assert.equal(line, `+ Service default/web: create 1 pod (image ${anchored.pauseImage})`);
  });

  it('a headless Service has no anchor: its names stay on the pods', () => {
    const c = creates(EMPTY, state('None'));
    assert.equal(
      c.some((a) => a.kind === 'Service'),
      false,
    );
    for (const p of c) assert.ok(aliases(p).includes('web'));
  });

  it('no port remap warning: the anchor forwards port -> targetPort', () => {
    const d = desired({
      deployments: [deployment('web', web(), { replicas: 1 })],
      services: [service('web', { app: 'web' }, { ports: [{ protocol: 'TCP', port: 80, targetPort: 8080 }] })],
    });
    assert.deepEqual(plan(d, EMPTY, anchored).warnings, []);
  });

  it('converged: planning again gives nothing; removing the Service removes its anchor', () => {
    const after = applyPlan(EMPTY, plan(state(), EMPTY, anchored));
    assert.deepEqual(plan(state(), after, anchored).actions, []);
    const gone = desired({ deployments: [deployment('web', web(), { replicas: 2 })] });
    const removals = plan(gone, after, anchored).actions.filter((a) => a.type === 'remove-pod');
    assert.deepEqual(
      removals.map((a) => (a.type === 'remove-pod' ? a.pod : '')),
      ['SVC-web'],
    );
  });

  it('without anchors (not root) the names stay on the pods, as before', () => {
    const c = plan(state(), EMPTY, ctx()).actions.filter((a): a is CreatePodAction => a.type === 'create-pod');
    assert.equal(
      c.some((a) => a.kind === 'Service'),
      false,
    );
    for (const p of c) assert.ok(aliases(p).includes('web'));
  });
});
