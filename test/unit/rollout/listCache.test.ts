import { strict as assert } from 'node:assert';
import { changesList } from '../../../src/rollout/listCache';

describe('rollout: what makes the kept engine list stale', () => {
  it("events that leave a kept list current: a probe's exec, top, attach; not a start, die or destroy", () => {
    assert.deepEqual(['exec_create: cat /www/index.html', 'exec_start: cat /www/index.html', 'exec_die', 'top', 'attach'].map(changesList), [
      false,
      false,
      false,
      false,
      false,
    ]);
    assert.deepEqual(['create', 'start', 'die', 'kill', 'destroy', 'health_status: healthy', 'connect', 'rename'].map(changesList), [
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
