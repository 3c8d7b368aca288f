/**
 * Drift: the engine changed by hand after an apply. Each test breaks one thing, applies the
 * same manifests again and checks that exactly that was put back, and nothing else was
 * touched (container ids of the other pods unchanged). They share one applied state, and
 * each leaves it converged for the next.
 */
import { strict as assert } from 'node:assert';
import { LABEL } from '../../../src/runtime/types';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { actionSummary, addressesOf, ApplyHarness, ids, names } from './harness';

describe('apply (real engine): drift repair', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;

  before(async function () {
    h = await ApplyHarness.create('apply-drift');
    dir = await ManifestDir.fromFixtures(['two-deployments-and-empty-namespace', 'pod-two-containers-sharing-network-and-volume']);
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  /** Ids of every container except those of `pod`, to show a repair touched only that pod. */
  async function idsExcept(pod: string): Promise<string[]> {
    return ids((await h.pods()).filter((p) => p.name !== pod));
  }

  it('a pod container removed by hand: that pod is created again, nothing else changes', async () => {
    const [victim] = await h.podsOf('alpha');
    const others = await idsExcept(victim.name);
    await h.runtime.removeContainer(victim.containers[0].id);
    assert.deepEqual(actionSummary(await h.converge(dir)), [`create-pod ${victim.name}`]);
    const back = await h.pod(victim.name);
    assert.equal(back.containers[0].state, 'running');
    assert.notEqual(back.containers[0].id, victim.containers[0].id);
    assert.deepEqual(await idsExcept(victim.name), others);
  });

  it('one container of a two-container pod removed: the pod is rebuilt whole (repair)', async () => {
    const others = await idsExcept('duo');
    await h.runtime.removeContainer(await h.containerId('duo', 'writer'));
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged');
    const removal = run.actions.find((a) => a.type === 'remove-pod');
    assert.ok(removal && removal.type === 'remove-pod' && removal.reason === 'repair', actionSummary(run.actions).join('; '));
    assert.equal(removal.detail, 'container writer missing');
    assert.deepEqual(actionSummary(run.actions), ['remove-pod duo', 'create-pod duo']);
    assert.equal((await h.execUntilOk('duo', 'writer', ['wget', '-qO-', 'http://localhost:8080/'])).trim(), 'served-by-server');
    assert.deepEqual(await idsExcept('duo'), others);
  });

  it('a container stopped by hand: started again, same container', async () => {
    const before = ids(await h.pods());
    const id = await h.containerId((await h.podsOf('beta'))[0].name, 'beta');
    await h.runtime.stopContainer(id, 1);
    assert.equal((await h.runtime.inspectContainer(id)).state, 'exited');
    assert.deepEqual(actionSummary(await h.converge(dir)), [`start-pod ${(await h.podsOf('beta'))[0].name}`]);
    assert.equal((await h.runtime.inspectContainer(id)).state, 'running');
    assert.deepEqual(ids(await h.pods()), before);
  });

  it("a pod's infra container stopped by hand: its containers lost their network, the pod is rebuilt", async () => {
    const infra = await h.containerId('duo', 'POD');
    await h.runtime.stopContainer(infra, 1);
    const actions = actionSummary(await h.converge(dir));
    assert.deepEqual(actions, ['remove-pod duo', 'create-pod duo']);
    assert.equal((await h.execUntilOk('duo', 'writer', ['wget', '-qO-', 'http://localhost:8080/'])).trim(), 'served-by-server');
  });

  it("a pod's network disconnected by hand: connected again, reachable by its names", async () => {
    const [victim] = await h.podsOf('alpha');
    const beta = (await h.podsOf('beta'))[0].name;
    await h.runtime.disconnectNetwork(h.network('default'), victim.containers[0].name);
    assert.notEqual((await h.exec(beta, 'beta', ['nslookup', victim.name])).exitCode, 0, 'the pod name still resolves after disconnect');
    await h.converge(dir);
    const after = await h.pod(victim.name);
    assert.equal(after.containers[0].id, victim.containers[0].id, 'repair recreated the container');
    assert.ok(after.containers[0].networks[h.network('default')], `not on ${h.network('default')}: ${JSON.stringify(after.containers[0].networks)}`);
    assert.equal((await h.execUntilOk(beta, 'beta', ['wget', '-qO-', `http://${victim.name}:8080/`])).trim(), victim.name);
    const svc = await h.execUntilOk(beta, 'beta', ['nslookup', 'alpha.default.svc.cluster.local']);
    const replicas = (await h.podsOf('alpha')).map((p) => p.containers[0].networks[h.network('default')]).sort();
    assert.deepEqual(addressesOf(svc), replicas, `alpha should resolve to both replicas:\n${svc}`);
    assert.deepEqual(actionSummary(await h.converge(dir)), []);
  });

  it('a Service added, then removed: the selected pods answer to its names, then no longer; none recreated', async () => {
    const before = ids(await h.pods());
    const beta = (await h.podsOf('beta'))[0].name;
    const [alpha] = names(await h.podsOf('alpha'));
    await dir.write(
      'svc.yaml',
      yaml`
      apiVersion: v1
      kind: Service
      metadata:
        name: beta-svc
      spec:
        selector:
          app: beta
        ports:
        - port: 8080
    `,
    );
    assert.deepEqual(actionSummary(await h.converge(dir)), [`set-aliases ${beta}`]);
    const betaIp = (await h.pod(beta)).containers[0].networks[h.network('default')];
    for (const name of ['beta-svc', 'beta-svc.default.svc.cluster.local']) {
      assert.deepEqual(addressesOf(await h.execUntilOk(alpha, 'alpha', ['nslookup', name])), [betaIp], name);
    }
    await dir.remove('svc.yaml');
    assert.deepEqual(actionSummary(await h.converge(dir)), [`set-aliases ${beta}`]);
    assert.notEqual((await h.exec(alpha, 'alpha', ['nslookup', 'beta-svc'])).exitCode, 0, 'beta-svc still resolves');
    assert.deepEqual(ids(await h.pods()), before);
  });

  it('an extra container inside a declared pod: the pod is rebuilt without it', async () => {
    await h.createStray({ pod: 'duo', container: 'extra', owner: 'duo', specHash: (await h.pod('duo')).specHash });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged');
    assert.deepEqual(actionSummary(run.actions), ['remove-pod duo', 'create-pod duo']);
    const removal = run.actions[0];
    assert.equal(removal.type === 'remove-pod' && removal.detail, 'unexpected container extra');
    assert.deepEqual(
      (await h.pod('duo')).containers.map((c) => c.labels[LABEL.container]),
      ['server', 'writer'],
    );
  });

  it('a container of this instance that no manifest declares: kept with prune off, removed with prune on', async () => {
    const stray = await h.createStray({ pod: 'ghost', container: 'ghost', owner: 'ghost' });
    assert.deepEqual(actionSummary(await h.converge(dir, { prune: false })), []);
    assert.equal((await h.runtime.inspectContainer(stray)).state, 'running');
    assert.deepEqual(actionSummary(await h.converge(dir)), ['remove-pod ghost']);
    assert.equal((await h.containerIds()).has(`berth_${h.instance}_default_ghost_ghost`), false);
  });

  it('containers of another instance are never touched', async () => {
    const other = await ApplyHarness.create('apply-drift-other');
    try {
      const theirs = await other.createStray({ pod: 'ghost', container: 'ghost', owner: 'ghost' });
      assert.deepEqual(actionSummary(await h.converge(dir)), []);
      assert.equal((await h.runtime.inspectContainer(theirs)).state, 'running');
    } finally {
      await other.cleanup({ manifests: false });
    }
  });
});
