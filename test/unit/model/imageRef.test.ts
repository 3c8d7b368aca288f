/** Image references by the Docker engine's grammar (distribution/reference), as kubelet parses them. */
import { strict as assert } from 'node:assert';
import { imageReferenceProblem } from '../../../src/model/image';

describe('model: image reference form', () => {
  const GOOD = [
    'nginx',
    'nginx:1.27',
    'library/nginx:latest',
    'registry.k8s.io/pause:3.9',
    'localhost:5000/team/app',
    'us-docker.pkg.dev/google-samples/containers/gke/hello-app:1.0',
    'MyRegistry.Example.com/app', // the domain may have capitals, the path may not
    '[::1]:5000/app:v1',
    'a__b/c-d.e_f:T4g.x-y',
    `app@sha256:${'0123456789abcdef'.repeat(4)}`,
    `app:v1@sha256:${'0123456789abcdef'.repeat(4)}`,
  ];
  for (const image of GOOD) it(`accepts ${image}`, () => assert.equal(imageReferenceProblem(image), undefined));

  const BAD = [
    '<your-private-image>',
    'MyApp',
    'app:',
    'app:-tag',
    'app@sha256:abc',
    'team//app',
    '-app',
    'app/',
    'app name',
    'app:tag:again',
    `${'a'.repeat(256)}`,
  ];
  for (const image of BAD) it(`refuses ${image.slice(0, 40)}`, () => assert.ok(imageReferenceProblem(image)));
});
