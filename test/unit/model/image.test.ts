import { strict as assert } from 'node:assert';
import { defaultPullPolicy } from '../../../src/model/image';
import { build, container, pod } from './helpers';

describe('model/imagePullPolicy', () => {
  const table: [string, string][] = [
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['library/nginx:1.27', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:latest', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
    ['registry.example.com:443/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'IfNotPresent'],
  ];
  for (const [image, want] of table) {
    it(`${image} -> ${want}`, () => assert.equal(defaultPullPolicy(image), want));
  }

  it('an explicit imagePullPolicy is kept', () => {
    const { desired } = build([pod('p', { containers: [container({ image: 'app:latest', imagePullPolicy: 'Never' })] })]);
    assert.equal(desired.pods[0].spec.containers[0].imagePullPolicy, 'Never');
  });

  it('the default is applied to normalised containers', () => {
    const { desired } = build([pod('p', { containers: [container({ image: 'app' })] })]);
    assert.equal(desired.pods[0].spec.containers[0].imagePullPolicy, 'Always');
  });
});
