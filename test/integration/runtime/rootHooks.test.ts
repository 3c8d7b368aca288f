/**
 * Root-level hook (outside any describe, so mocha runs it once before the whole run when
 * this file is part of it, as in `npm test`): removes leftovers of crashed earlier runs and
 * makes sure the test image exists. The same is available as a root hook plugin:
 * `mocha --require dist/test/helpers/docker.js`.
 */
import { mochaHooks } from '../../helpers/docker';

before(async function () {
  await mochaHooks.beforeAll.call(this);
});
