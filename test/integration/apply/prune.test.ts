/**
 * What leaves the manifests leaves the engine (prune), except the data of claims; and a
 * ConfigMap change replaces exactly the pods that use it.
 */
import { pollUntil } from '../../../src/util/eventually';
import { strict as assert } from 'node:assert';
import { LABEL } from '../../../src/runtime/types';
import { describeRun } from '../../helpers/cli';
import { ManifestDir } from '../../helpers/manifests';
import { actionSummary, ApplyHarness, ids, names } from './harness';

describe('apply (real engine): prune', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;

  before(async function () {
    h = await ApplyHarness.create('apply-prune');
    dir = await ManifestDir.fromFixtures(['two-deployments-and-empty-namespace', 'claim-mounted-by-pod', 'statefulset-two-ordinals-with-volumes']);
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  it('a Deployment removed from the manifests: kept by `berth apply --no-prune`, removed by `berth apply`', async () => {
    const beta = names(await h.podsOf('beta'));
    const alpha = ids(await h.podsOf('alpha'));
    await dir.remove('two-deployments-and-empty-namespace/beta.yaml');

    const kept = await h.cli('apply', [dir.path, '--no-prune']);
    assert.equal(kept.code, 0, describeRun(kept));
    assert.match(kept.stdout, /no changes/);
    assert.deepEqual(names(await h.podsOf('beta')), beta);

    const diff = await h.cli('diff', [dir.path]);
    assert.equal(diff.code, 1, describeRun(diff));
    assert.match(diff.stdout, new RegExp(`^- Deployment default/beta: remove 1 pod \\(no longer declared\\): ${beta[0]}$`, 'm'));

    const pruned = await h.cli('apply', [dir.path]);
    assert.equal(pruned.code, 0, describeRun(pruned));
    assert.match(pruned.stdout, new RegExp(`remove pod default/${beta[0]}`));
    // apply returns once the engine is stopping the pod (it counts toward nothing): `get pods`
    // shows it Terminating unless it has stopped and been removed already; a later berth
    // command removes its stopped containers.
    const got = await h.cli('get', ['pods', '-o', 'json']);
    const rows = JSON.parse(got.stdout) as { name: string; status: string }[];
    assert.match(rows.find((r) => r.name === beta[0])?.status ?? 'gone', /^Terminating \(\d+ s left\)$|^gone$/);
    await pollUntil(async () => ((await h.cli('apply', [dir.path])).code === 0 && (await h.podsOf('beta')).length === 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 500,
      what: 'the pruned pod to be reaped',
    });
    assert.deepEqual(ids(await h.podsOf('alpha')), alpha, 'alpha was touched');
  });

  it('a Namespace removed from the manifests: its network is removed (kept with prune off)', async () => {
    assert.ok(await h.hasNetwork('quiet'));
    await dir.remove('two-deployments-and-empty-namespace/namespace.yaml');
    assert.deepEqual(actionSummary(await h.converge(dir, { prune: false })), []);
    assert.ok(await h.hasNetwork('quiet'));
    assert.deepEqual(actionSummary(await h.converge(dir)), [`remove-network ${h.network('quiet')}`]);
    assert.equal(await h.hasNetwork('quiet'), false);
  });

  it('a claim and its pod removed: the pod goes, the volume and its data stay', async () => {
    await h.execUntilOk('user', 'user', ['sh', '-c', 'echo precious > /cache/file']);
    await dir.remove('claim-mounted-by-pod');
    assert.deepEqual(actionSummary(await h.converge(dir)), ['remove-pod user']);
    assert.deepEqual(await h.podsOf('user'), []);
    assert.ok(await h.hasVolume(h.claimVolume('cache')), 'the claim volume was removed');

    await dir.addFixture('claim-mounted-by-pod');
    assert.deepEqual(actionSummary(await h.converge(dir)), ['create-pod user']);
    assert.equal((await h.execUntilOk('user', 'user', ['cat', '/cache/file'])).trim(), 'precious');
  });

  it('a StatefulSet scaled down: the highest ordinal goes, its volume stays and comes back on scale-up', async () => {
    await h.execUntilOk('db-1', 'db', ['sh', '-c', 'echo db-1-data > /data/marker']);
    const file = 'statefulset-two-ordinals-with-volumes/db.yaml';
    await dir.edit(file, (t) => t.replace('replicas: 2', 'replicas: 1'));
    assert.deepEqual(actionSummary(await h.converge(dir)), ['remove-pod db-1']);
    assert.deepEqual(names(await h.podsOf('db')), ['db-0']);
    assert.ok(await h.hasVolume(h.claimVolume('data-db-1')));

    await dir.edit(file, (t) => t.replace('replicas: 1', 'replicas: 2'));
    assert.deepEqual(actionSummary(await h.converge(dir)), ['create-pod db-1']);
    assert.equal((await h.execUntilOk('db-1', 'db', ['cat', '/data/marker'])).trim(), 'db-1-data');
  });

  it('a Deployment scaled down: one replica removed, the other untouched', async () => {
    const before = await h.podsOf('alpha');
    await dir.edit('two-deployments-and-empty-namespace/alpha.yaml', (t) => t.replace('replicas: 2', 'replicas: 1'));
    const actions = await h.converge(dir);
    assert.equal(actions.length, 1, actionSummary(actions).join('; '));
    const after = await h.podsOf('alpha');
    assert.equal(after.length, 1);
    assert.ok(
      before.some((p) => p.containers[0].id === after[0].containers[0].id),
      'the remaining replica was recreated',
    );
    const emptyDirs = await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.kind]: 'emptyDir' });
    assert.deepEqual(emptyDirs, []);
  });

  it('a workload removed from the manifests stops with the grace period its pods were created with', async () => {
    const [alpha] = names(await h.podsOf('alpha'));
    await dir.remove('two-deployments-and-empty-namespace/alpha.yaml');
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'converged');
    const removals = run.actions.flatMap((a) => (a.type === 'remove-pod' ? [`${a.pod} ${a.reason} ${a.graceSeconds}`] : []));
    assert.deepEqual(removals, [`${alpha} orphan 1`]);
    assert.deepEqual(await h.podsOf('alpha'), []);
  });
});

describe('apply (real engine): a ConfigMap change', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;

  before(async function () {
    h = await ApplyHarness.create('apply-config');
    dir = await ManifestDir.fromFixture('configmap-used-by-one-of-two-deployments');
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  it('replaces the pods that use it (new value in env and file) and no other', async () => {
    const readers = names(await h.podsOf('reader'));
    const bystanders = ids(await h.podsOf('bystander'));
    for (const r of readers) assert.equal((await h.exec(r, 'reader', ['sh', '-c', 'echo $MODE $(cat /etc/settings/MODE)'])).output.trim(), 'blue blue');

    await dir.edit('config.yaml', (t) => t.replace('MODE: blue', 'MODE: green'));
    const diff = await h.cli('diff', [dir.path]);
    assert.equal(diff.code, 1, describeRun(diff));
    assert.match(diff.stdout, /^~ Deployment default\/reader: replace 2 pods /m);
    assert.match(diff.stdout, /^\+ ConfigMap default\/settings: write 1 file \(MODE\)$/m);
    assert.doesNotMatch(diff.stdout, /bystander/);

    const actions = await h.converge(dir);
    assert.deepEqual(
      actionSummary(actions).filter((a) => /pod/.test(a) && !/reader-/.test(a)),
      [],
      'pods other than reader were acted on',
    );
    const now = await h.podsOf('reader');
    assert.equal(now.length, 2);
    assert.ok(
      now.every((p) => !readers.includes(p.name)),
      `reader pods not replaced: ${names(now).join(', ')}`,
    );
    for (const p of now) assert.equal((await h.exec(p.name, 'reader', ['sh', '-c', 'echo $MODE $(cat /etc/settings/MODE)'])).output.trim(), 'green green');
    assert.deepEqual(ids(await h.podsOf('bystander')), bystanders);
  });
});
