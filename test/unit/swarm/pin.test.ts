/** A StatefulSet ordinal pinned to the node of its volume (pure). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { needsPin, pinMissing, pinnedNode, withPin } from '../../../src/swarm/pin';
import { imageReference } from '../../../src/swarm/images';
import { renderSwarm, type DesiredService } from '../../../src/swarm/render';
import { validateDirectory } from '../../../src/validate';
import type { SwarmService, SwarmTask } from '../../../src/runtime/swarm/types';
import { LABEL } from '../../../src/runtime/types';
import { REPO_ROOT } from '../../helpers/manifests';

async function services(): Promise<DesiredService[]> {
  const outcome = await validateDirectory(path.join(REPO_ROOT, 'repo-template'));
  if (!outcome.ok) throw new Error('repo-template does not validate');
  return renderSwarm(outcome.desired, 'i1', 'r1').services;
}
const observedOf = (d: DesiredService, labels: Record<string, string> = {}): SwarmService => ({
  id: `id-${d.spec.Name}`,
  version: 3,
  spec: { ...d.spec, Labels: { ...d.spec.Labels, ...labels } },
});
const task = (serviceId: string, nodeId: string, createdAt: number, containerId?: string): SwarmTask => ({
  id: `t${createdAt}`,
  serviceId,
  nodeId,
  slot: 1,
  state: containerId ? 'running' : 'assigned',
  desiredState: 'running',
  message: '',
  error: '',
  specLabels: {},
  createdAt,
  ...(containerId ? { containerId } : {}),
});

describe('swarm image references by pull policy', () => {
  const local = { id: 'sha256:1d2e', repoDigests: ['busybox@sha256:abcd'] };
  it('names the image by id for Never, by digest for IfNotPresent, by tag for Always or when the manager lacks it', () => {
    assert.equal(imageReference('busybox:1.36', 'Never', local), 'sha256:1d2e');
    assert.equal(imageReference('busybox:1.36', 'IfNotPresent', local), 'busybox@sha256:abcd');
    assert.equal(imageReference('busybox:1.36', 'IfNotPresent', { id: 'sha256:1d2e', repoDigests: [] }), 'busybox:1.36', 'built here: no digest to name');
    assert.equal(imageReference('busybox:1.36', 'Always', local), 'busybox:1.36');
    assert.equal(imageReference('busybox:1.36', 'Never', undefined), 'busybox:1.36');
    assert.equal(
      imageReference('registry:5000/app:2', 'IfNotPresent', { id: 'x', repoDigests: ['registry:5000/app@sha256:ef'] }),
      'registry:5000/app@sha256:ef',
    );
  });
});

describe('swarm pin of StatefulSet ordinals', () => {
  it('pins an ordinal with a volume, not a Deployment', async () => {
    const [web, store0] = await services();
    assert.equal(needsPin(web), false);
    assert.equal(needsPin(store0), true);
  });

  it('takes the node of the newest task that made a container, before any label', async () => {
    const store0 = (await services())[1];
    const o = observedOf(store0);
    assert.equal(pinnedNode(store0, undefined, []), undefined, 'not created yet');
    assert.equal(pinnedNode(store0, o, [task(o.id, 'nA', 1)]), undefined, 'assigned, no container: no volume yet');
    assert.equal(pinnedNode(store0, o, [task(o.id, 'nA', 1, 'c1'), task(o.id, 'nB', 2, 'c2'), task('other', 'nC', 3, 'c3')]), 'nB');
  });

  it('keeps the label once written, whatever the tasks say (a restarted berth, a task pending elsewhere)', async () => {
    const store0 = (await services())[1];
    const o = observedOf(store0, { [LABEL.node]: 'nA' });
    assert.equal(pinnedNode(store0, o, [task(o.id, 'nB', 9, 'c9')]), 'nA');
  });

  it('adds the constraint and the label, keeps the other constraints, and knows when they are missing', async () => {
    const store0 = (await services())[1];
    const spec = { ...store0.spec, TaskTemplate: { ...store0.spec.TaskTemplate, Placement: { Constraints: ['node.labels.disk==ssd', 'node.id==old'] } } };
    const pinned = withPin(spec, 'nA');
    assert.deepEqual(pinned.TaskTemplate.Placement.Constraints, ['node.labels.disk==ssd', 'node.id==nA']);
    assert.equal(pinned.Labels[LABEL.node], 'nA');
    assert.equal(pinned.Labels[LABEL.specHash], store0.specHash, 'the pin is not part of the spec hash');
    assert.equal(pinMissing(observedOf(store0), 'nA'), true);
    assert.equal(pinMissing({ id: 'x', version: 1, spec: pinned }, 'nA'), false);
    const constraintRemoved = { ...pinned, TaskTemplate: { ...pinned.TaskTemplate, Placement: { Constraints: [] } } };
    assert.equal(pinMissing({ id: 'x', version: 1, spec: constraintRemoved }, 'nA'), true, 'removed behind berth: put back');
  });
});
