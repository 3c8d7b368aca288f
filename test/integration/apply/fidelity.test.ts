/**
 * Real-world manifests on the real engine: a directory that also holds a ServiceAccount, a
 * NetworkPolicy and a kustomization.yaml applies (nothing is created for them), and a pod with
 * an SCTP container port (no hostPort: this engine's kernel has no SCTP for publishing) is
 * created and runs, so the engine takes `9999/sctp` as berth sends it.
 */
import { strict as assert } from 'node:assert';
import { ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';
import { ApplyHarness } from './harness';

describe('berth apply (real engine): kinds without effect, skipped files, SCTP ports', function () {
  let h: ApplyHarness;

  beforeEach(async () => (h = await ApplyHarness.create('fidelity')));
  afterEach(async () => h?.cleanup());

  it('applies the workload, creates nothing for the other kinds, and runs a pod with an SCTP port', async () => {
    const dir = await ManifestDir.create({
      'kustomization.yaml': 'resources:\n- app.yaml\n',
      'rbac.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n',
      'app.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: sctp
spec:
  serviceAccountName: app
  containers:
  - name: c
    image: ${TEST_IMAGE}
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
    ports:
    - containerPort: 9999
      protocol: SCTP
`,
    });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged', JSON.stringify(run.outcome));
    assert.deepEqual(run.desired.pods[0].spec.containers[0].ports, [{ containerPort: 9999, protocol: 'SCTP' }]);
    const pods = await h.pods();
    assert.deepEqual(
      pods.map((p) => `${p.kind}/${p.name}`),
      ['Pod/sctp'],
      'only the pod exists: nothing for the ServiceAccount or the NetworkPolicy',
    );
    assert.ok(
      pods[0].containers.every((c) => c.state === 'running'),
      JSON.stringify(pods[0].containers.map((c) => c.status)),
    );
  });
});
