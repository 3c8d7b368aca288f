import { strict as assert } from 'node:assert';
import { RESTARTED_AT, withRestarts } from '../../../src/model/restart';
import { deployment, desired, pod, web } from '../plan/fixtures';

describe('model restart: kubectl rollout restart as a template annotation', () => {
  const d = () => desired({ deployments: [deployment('web', web()), deployment('api', web())], pods: [pod('solo', web())] });

  it('changes the template hash of the restarted workload only', () => {
    const before = d();
    const after = withRestarts(before, { 'Deployment/default/web': '2026-01-01T00:00:00.000Z' });
    assert.notEqual(after.deployments.find((w) => w.meta.name === 'web')!.templateHash, before.deployments.find((w) => w.meta.name === 'web')!.templateHash);
    assert.equal(after.deployments.find((w) => w.meta.name === 'web')!.template.annotations[RESTARTED_AT], '2026-01-01T00:00:00.000Z');
    assert.equal(
      after.deployments.find((w) => w.meta.name === 'api')!.templateHash,
      before.deployments.find((w) => w.meta.name === 'api')!.templateHash,
      'api was restarted too',
    );
    assert.equal(before.deployments.find((w) => w.meta.name === 'web')!.template.annotations[RESTARTED_AT], undefined, 'the input was changed');
  });

  it('a later restart gives another hash; the same time gives the same one (stable across passes)', () => {
    const a = withRestarts(d(), { 'Deployment/default/web': '2026-01-01T00:00:00.000Z' }).deployments.find((w) => w.meta.name === 'web')!.templateHash;
    const b = withRestarts(d(), { 'Deployment/default/web': '2026-01-01T00:00:00.000Z' }).deployments.find((w) => w.meta.name === 'web')!.templateHash;
    const c = withRestarts(d(), { 'Deployment/default/web': '2026-01-01T00:05:00.000Z' }).deployments.find((w) => w.meta.name === 'web')!.templateHash;
    assert.deepEqual([a === b, a === c], [true, false]);
  });

  it('a bare Pod gets a new spec hash (it is replaced)', () => {
    const before = d();
    assert.notEqual(withRestarts(before, { 'Pod/default/solo': '2026-01-01T00:00:00.000Z' }).pods[0]!.specHash, before.pods[0]!.specHash);
  });

  it('no restart asked: the same object, nothing copied', () => {
    const before = d();
    assert.equal(withRestarts(before, { 'Deployment/other/web': 'x' }), before);
  });
});
