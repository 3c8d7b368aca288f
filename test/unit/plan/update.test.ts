import { strict as assert } from 'node:assert';
import { deploymentPodName } from '../../../src/plan/names';
import { plan } from '../../../src/plan/plan';
import type { ObservedState } from '../../../src/observe/types';
import type { DesiredState } from '../../../src/model/types';
import { applyPlan, clone, setState, summary } from './helpers';
import { configMap, container, ctx, deployment, desired, namespace, pod, podSpec, statefulSet, web } from './fixtures';

const EMPTY: ObservedState = { networks: [], volumes: [], pods: [] };
const run = (d: DesiredState, o: ObservedState = EMPTY) => applyPlan(o, plan(d, o, ctx()));

const webDeploy = (image: string, replicas = 2) => desired({ deployments: [deployment('web', web(image), { replicas })] });
const cfgPod = (name: string, cm: string) =>
  podSpec([container(name, `${name}:1`, { volumeMounts: [{ name: 'c', mountPath: '/c', readOnly: true }] })], {
    volumes: [{ name: 'c', type: 'configMap', configMapName: cm, defaultMode: 0o644, optional: false }],
  });
const withConfig = (content: string) =>
  desired({
    configMaps: [configMap('a', { 'a.conf': content }), configMap('b', { 'b.conf': 'same' })],
    deployments: [deployment('uses-a', cfgPod('x', 'a')), deployment('uses-b', cfgPod('y', 'b'))],
  });
const db = (replicas: number, opts: { image?: string; partition?: number } = {}) =>
  desired({ statefulSets: [statefulSet('db', web(opts.image ?? 'db:1'), { replicas, claims: ['data'], partition: opts.partition })] });

describe('plan: image change', () => {
  it('Deployment: old pods superseded, new ones created, nothing kept', () => {
    const p = plan(webDeploy('nginx:1.27'), run(webDeploy('nginx:1.25')), ctx());
    assert.deepEqual(
      summary(p).map((s) => s.split(' ')[0]),
      ['remove-pod:superseded', 'remove-pod:superseded', 'create-pod:rollout', 'create-pod:rollout'],
    );
  });

  it('Pod: removed, then created again under the same name', () => {
    const before = run(desired({ pods: [pod('solo', web('nginx:1.25'))] }));
    assert.deepEqual(summary(plan(desired({ pods: [pod('solo', web('nginx:1.27'))] }), before, ctx())), ['remove-pod:replace solo', 'create-pod:replace solo']);
  });

  it('StatefulSet: every ordinal replaced, highest removed first, lowest created first', () => {
    assert.deepEqual(summary(plan(db(2, { image: 'db:2' }), run(db(2)), ctx())), [
      'remove-pod:replace db-1',
      'remove-pod:replace db-0',
      'create-pod:replace db-0',
      'create-pod:replace db-1',
    ]);
  });

  it('StatefulSet partition 2: ordinals below it keep their template', () => {
    assert.deepEqual(summary(plan(db(3, { image: 'db:2', partition: 2 }), run(db(3)), ctx())), ['remove-pod:replace db-2', 'create-pod:replace db-2']);
  });
});

describe('plan: replicas change', () => {
  it('scale up creates only the missing pods', () => {
    assert.deepEqual(
      summary(plan(webDeploy('nginx:1', 4), run(webDeploy('nginx:1', 2)), ctx())).map((s) => s.split(' ')[0]),
      ['create-pod:added', 'create-pod:added'],
    );
  });

  it('scale down removes the highest slots and keeps the others', () => {
    const two = webDeploy('nginx:1', 2);
    const slot = (i: number) => deploymentPodName('web', two.deployments[0].templateHash, i);
    const removed = summary(plan(two, run(webDeploy('nginx:1', 4)), ctx()));
    assert.deepEqual(removed.sort(), [`remove-pod:scaled-down ${slot(2)}`, `remove-pod:scaled-down ${slot(3)}`].sort());
  });

  it('StatefulSet scale-down removes the highest ordinals first and keeps their volumes', () => {
    const three = run(db(3));
    const p = plan(db(1), three, ctx());
    assert.deepEqual(
      { actions: summary(p), volumes: applyPlan(three, p).volumes.map((v) => v.name) },
      {
        actions: ['remove-pod:scaled-down db-2', 'remove-pod:scaled-down db-1'],
        volumes: ['berth_unit_default_pvc_data-db-0', 'berth_unit_default_pvc_data-db-1', 'berth_unit_default_pvc_data-db-2'],
      },
    );
  });

  it('StatefulSet scale back up reuses the kept volumes (no create-volume)', () => {
    const one = applyPlan(run(db(3)), plan(db(1), run(db(3)), ctx()));
    assert.deepEqual(summary(plan(db(3), one, ctx())), ['create-pod:added db-1', 'create-pod:added db-2']);
  });
});

describe('plan: ConfigMap content change', () => {
  it('replaces only the pods that use it, with its files written to a new directory', () => {
    const p = plan(withConfig('v2'), run(withConfig('v1')), ctx());
    const touched = p.actions.map((a) => `${a.type} ${a.key}`);
    assert.deepEqual(touched, ['write-files ConfigMap/default/a', 'remove-pod Deployment/default/uses-a', 'create-pod Deployment/default/uses-a']);
  });

  it('the new directory differs from the old one (content-addressed)', () => {
    const dirs = [withConfig('v1'), withConfig('v2')].map((d) =>
      plan(d, EMPTY, ctx()).actions.flatMap((a) => (a.type === 'write-files' && a.key === 'ConfigMap/default/a' ? [a.dir] : [])),
    );
    assert.notEqual(dirs[0][0], dirs[1][0]);
  });
});

describe('plan: changed by hand', () => {
  const duo = desired({ pods: [pod('duo', podSpec([container('a', 'a:1'), container('b', 'b:1')]))] });

  it('a container removed by hand: the pod is recreated', () => {
    const o = clone(run(duo));
    o.pods[0].containers = o.pods[0].containers.filter((c) => c.labels['io.berth.container'] !== 'b');
    const p = plan(duo, o, ctx());
    assert.deepEqual(
      [summary(p), p.actions[0].type === 'remove-pod' && p.actions[0].detail],
      [['remove-pod:repair duo', 'create-pod:repair duo'], 'container b missing'],
    );
  });

  it('the infra container removed by hand: the pod is recreated', () => {
    const o = clone(run(duo));
    delete o.pods[0].infra;
    assert.deepEqual(summary(plan(duo, o, ctx())), ['remove-pod:repair duo', 'create-pod:repair duo']);
  });

  it('the recreated pod applies cleanly (old containers gone before new ones are named)', () => {
    const o = clone(run(duo));
    o.pods[0].containers.pop();
    const after = applyPlan(o, plan(duo, o, ctx()));
    assert.deepEqual(plan(duo, after, ctx()).actions, []);
  });

  const stoppedCases: { name: string; policy: 'Always' | 'OnFailure' | 'Never'; state: 'exited' | 'created'; want: string[] }[] = [
    { name: 'Always, exited: started', policy: 'Always', state: 'exited', want: ['start-pod solo'] },
    { name: 'OnFailure, exited: left alone (it finished)', policy: 'OnFailure', state: 'exited', want: [] },
    { name: 'Never, exited: left alone', policy: 'Never', state: 'exited', want: [] },
    { name: 'Never, created (never started): started', policy: 'Never', state: 'created', want: ['start-pod solo'] },
  ];
  for (const c of stoppedCases) {
    it(`stopped by hand, restartPolicy ${c.name}`, () => {
      const d = desired({ pods: [pod('solo', podSpec([container('s', 's:1')], { restartPolicy: c.policy }))] });
      const o = clone(run(d));
      setState(o.pods[0].containers[0], c.state);
      assert.deepEqual(summary(plan(d, o, ctx())), c.want);
    });
  }

  it('a whole multi-container pod stopped: infra started first, then its containers', () => {
    const o = clone(run(duo));
    for (const c of [o.pods[0].infra!, ...o.pods[0].containers]) setState(c, 'exited');
    const p = plan(duo, o, ctx());
    assert.deepEqual(p.actions[0].type === 'start-pod' && p.actions[0].containers, ['POD', 'a', 'b']);
  });

  it('infra stopped while its containers run: recreated (their network is gone)', () => {
    const o = clone(run(duo));
    setState(o.pods[0].infra!, 'exited');
    assert.deepEqual(summary(plan(duo, o, ctx())), ['remove-pod:repair duo', 'create-pod:repair duo']);
  });
});

describe('plan: pruning', () => {
  const both = desired({
    namespaces: [namespace('old')],
    pods: [pod('keep', web()), pod('gone', web(), { namespace: 'old' })],
  });
  const onlyKeep = desired({ pods: [pod('keep', web())] });

  it('prune: pods no longer declared are removed, then their namespace network', () => {
    assert.deepEqual(summary(plan(onlyKeep, run(both), ctx())), ['remove-pod:orphan gone', 'remove-network berth_unit_old']);
  });

  it('prune: false removes nothing undeclared', () => {
    assert.deepEqual(plan(onlyKeep, run(both), ctx({ prune: false })).actions, []);
  });

  it('prune: false still removes pods of a declared Deployment scaled down', () => {
    assert.deepEqual(
      summary(plan(webDeploy('n:1', 1), run(webDeploy('n:1', 2)), ctx({ prune: false }))).map((s) => s.split(' ')[0]),
      ['remove-pod:scaled-down'],
    );
  });

  it('emptyDir volumes go with their pod; PVC volumes stay when the claim leaves', () => {
    const spec = podSpec([container('s', 's:1', { volumeMounts: [{ name: 'tmp', mountPath: '/tmp', readOnly: false }] })], {
      volumes: [{ name: 'tmp', type: 'emptyDir', medium: '' }],
    });
    const before = run(desired({ pods: [pod('scratch', spec)], statefulSets: db(1).statefulSets }));
    const after = applyPlan(before, plan(desired(), before, ctx()));
    assert.deepEqual(
      after.volumes.map((v) => v.name),
      ['berth_unit_default_pvc_data-db-0'],
    );
  });
});
