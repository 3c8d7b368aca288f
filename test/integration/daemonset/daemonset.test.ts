/**
 * DaemonSet on the real engine: one pod on this host; an image or env change rolls it,
 * the old pod gone before the new one starts (maxSurge 0), or the new one started first
 * (maxSurge 1). The sampler is the engine itself, listed after every applied step.
 */
import { strict as assert } from 'node:assert';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';
import { ApplyHarness } from '../apply/harness';

function agent(env: string, strategy = ''): string {
  return yaml`
    apiVersion: apps/v1
    kind: DaemonSet
    metadata: { name: agent }
    spec:
      selector: { matchLabels: { app: agent } }
      ${strategy}
      template:
        metadata: { labels: { app: agent } }
        spec:
          terminationGracePeriodSeconds: 2
          containers:
            - name: agent
              image: ${TEST_IMAGE}
              imagePullPolicy: Never
              command: [sh, -c, 'echo "$MODE" > /tmp/mode; exec sleep 3600']
              env: [{ name: MODE, value: ${env} }]
              readinessProbe: { exec: { command: [cat, /tmp/mode] }, periodSeconds: 1 }
  `;
}

describe('DaemonSet (real engine)', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;

  beforeEach(async () => {
    h = await ApplyHarness.create('daemonset');
  });
  afterEach(async () => {
    await h?.cleanup();
    await dir?.dispose();
  });

  it('runs one pod; an env change replaces it, the old pod removed before the new one starts (maxSurge 0)', async () => {
    dir = await ManifestDir.create({ 'agent.yaml': agent('first') });
    await h.converge(dir);
    const [first] = await h.podsOf('agent');
    assert.equal((await h.podsOf('agent')).length, 1);
    assert.equal((await h.execUntilOk(first.name, 'agent', ['cat', '/tmp/mode'])).trim(), 'first');

    await dir.write('agent.yaml', agent('second'));
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged');
    const order = run.actions.filter((a) => a.type === 'create-pod' || a.type === 'remove-pod').map((a) => `${a.type}`);
    assert.deepEqual(order, ['remove-pod', 'create-pod'], 'the old pod goes first');
    const pods = await h.podsOf('agent');
    assert.equal(pods.length, 1);
    assert.notEqual(pods[0].name, first.name);
    assert.equal((await h.execUntilOk(pods[0].name, 'agent', ['cat', '/tmp/mode'])).trim(), 'second');
  });

  it('with maxSurge 1, the new pod is created while the old one still runs, and the old one goes after', async () => {
    const surge = 'updateStrategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }';
    dir = await ManifestDir.create({ 'agent.yaml': agent('first', surge) });
    await h.converge(dir);
    const [first] = await h.podsOf('agent');
    await dir.write('agent.yaml', agent('second', surge));
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged');
    const order = run.actions.filter((a) => a.type === 'create-pod' || a.type === 'remove-pod').map((a) => a.type);
    assert.deepEqual(order, ['create-pod', 'remove-pod'], 'the new pod comes first');
    const pods = await h.podsOf('agent');
    assert.deepEqual([pods.length, pods[0].name === first.name], [1, false]);
    assert.equal((await h.execUntilOk(pods[0].name, 'agent', ['cat', '/tmp/mode'])).trim(), 'second');
  });
});
