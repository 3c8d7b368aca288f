import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operatorActions, type OperatorActionDeps } from '../../../src/operator/actions';
import { OperatorControls } from '../../../src/operator/controls';
import { DEFAULT_VALIDATE_OPTIONS } from '../../../src/validate';
import { deployment, desired, web } from '../plan/fixtures';

describe('operator actions: what the buttons do', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'berth-actions-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function make(over: Partial<OperatorActionDeps> = {}) {
    const controls = await OperatorControls.open(dir, 'i');
    const triggers: string[] = [];
    const d: OperatorActionDeps = {
      stateDir: dir,
      instance: 'i',
      policy: DEFAULT_VALIDATE_OPTIONS,
      writeBack: false,
      selfHeal: true,
      controls,
      desired: () => desired({ deployments: [deployment('web', web())] }),
      trigger: (r) => void triggers.push(r),
      changed: () => undefined,
      log: () => undefined,
      ...over,
    };
    return { actions: operatorActions(d), controls, triggers };
  }

  it('restart: recorded in the state directory, a pass asked for; an undeclared workload is 404', async () => {
    const { actions, triggers } = await make();
    const ok = await actions.restart({ kind: 'Deployment', namespace: 'default', name: 'web' });
    const missing = await actions.restart({ kind: 'Deployment', namespace: 'default', name: 'api' });
    assert.deepEqual([ok.type, missing.type === 'refused' && missing.status, triggers], ['accepted', 404, ['restart']]);
    const saved = JSON.parse(await readFile(join(dir, 'controls-i.json'), 'utf8')) as { restarts: Record<string, string> };
    assert.ok(saved.restarts['Deployment/default/web']);
    assert.ok((await OperatorControls.open(dir, 'i')).restarts()['Deployment/default/web'], 'not read back after a restart of berth');
  });

  it('self-heal paused survives a restart of berth; a restart is refused while paused', async () => {
    const { actions } = await make();
    await actions.setSelfHealPaused(true);
    assert.equal((await OperatorControls.open(dir, 'i')).selfHealPaused, true);
    const r = await actions.restart({ kind: 'Deployment', namespace: 'default', name: 'web' });
    assert.deepEqual([r.type, r.type === 'refused' && r.status], ['refused', 409]);
  });

  it('rollback: refused without write-back (self-heal would undo it), and for a bare Pod', async () => {
    const { actions, triggers } = await make();
    const r = await actions.rollback({ kind: 'Deployment', namespace: 'default', name: 'web' }, 'abcdef1');
    assert.ok(r.type === 'refused' && r.status === 409 && /write-back is off/.test(r.message));
    const p = await actions.rollback({ kind: 'Pod', namespace: 'default', name: 'web' }, 'abcdef1');
    assert.ok(p.type === 'refused' && p.status === 400);
    assert.deepEqual(triggers, []);
  });

  it('self-heal off (--no-self-heal): nothing to pause', async () => {
    const { actions } = await make({ selfHeal: false });
    const r = await actions.setSelfHealPaused(true);
    assert.ok(r.type === 'refused' && r.status === 409);
  });
});
