import * as assert from 'node:assert/strict';
import { buildPodOnce } from '../../../src/plan/buildCache';
import { expandPods } from '../../../src/plan/expand';
import { configLookup } from '../../../src/plan/lookup';
import { Warnings } from '../../../src/plan/warnings';
import { container, ctx, deployment, desired, podSpec } from './fixtures';

describe('plan: pods built once per desired state', () => {
  const state = () =>
    desired({
      deployments: [deployment('web', podSpec([container('app', 'app:1', { volumeMounts: [{ name: 'missing', mountPath: '/m', readOnly: false }] })]))],
    });

  function build(d: ReturnType<typeof state>, c = ctx()) {
    const warnings = new Warnings();
    const [pod] = expandPods(d, warnings);
    return { pod, built: buildPodOnce(pod, d, c, configLookup(d), warnings), warnings: warnings.list() };
  }

  it('a second pass over the same desired state reuses the build and gives its warnings again', () => {
    const d = state();
    const first = build(d);
    const second = build(d);
    assert.equal(second.built.containers, first.built.containers, 'the same containers object: not built again');
    assert.equal(second.built.desired, second.pod, 'with the desired pod of this pass');
    assert.ok(first.warnings.length > 0, 'the fixture gives a warning');
    assert.deepEqual(second.warnings, first.warnings);
  });

  it('a new desired state (a new revision) or another context builds again', () => {
    const d = state();
    const first = build(d);
    assert.notEqual(build(state()).built.containers, first.built.containers);
    assert.notEqual(build(d, ctx({ revision: 'other' })).built.containers, first.built.containers);
  });
});
