/**
 * What the dashboard's buttons (and `berth sync`, `berth rollout restart`) do inside
 * `berth run`: each only records what was asked and wakes the loop; the loop does the work
 * in its next passes, as for any trigger.
 * - rollback: git stays the truth, so it is `berth rollout undo --to-revision` with the
 *   operator running: revert commit(s) pushed to the branch (src/rollback undoInGit). With
 *   write-back off berth may not push, and a rollback only on the engine would be undone
 *   by self-heal at the next pass: refused, saying so.
 * - restart: model/restart.ts (a restartedAt annotation kept in the state directory).
 * - self-heal paused: passes between commits step nothing (drift stays until resumed).
 */
import type { ActionDeps, ActionResult, WorkloadRef } from '../api';
import { HistorySource, readJournal } from '../history';
import { undoInGit } from '../rollback';
import { BerthError, messageOf, shortSha } from '../util';
import type { ValidateOptions } from '../validate';
import type { DesiredState } from '../model';
import { resourceKey } from '../model';
import type { OperatorControls } from './controls';

export interface OperatorActionDeps {
  stateDir: string;
  instance: string;
  path?: string;
  policy: ValidateOptions;
  writeBack: boolean;
  selfHeal: boolean;
  controls: OperatorControls;
  /** The desired state the loop steps now (undefined before the first look). */
  desired(): DesiredState | undefined;
  trigger(reason: string): void;
  changed(): void;
  log(msg: string, fields?: Record<string, unknown>): void;
}

const refused = (status: 400 | 404 | 409, message: string): ActionResult => ({ type: 'refused', status, message });

export function operatorActions(d: OperatorActionDeps): Omit<ActionDeps, 'sync'> {
  return {
    rollback: (ref, to) => rollback(d, ref, to),
    restart: (ref) => restart(d, ref),
    setSelfHealPaused: async (paused) => {
      if (!d.selfHeal) return refused(409, 'self-heal is off (berth run --no-self-heal): nothing to pause or resume');
      await d.controls.setSelfHealPaused(paused);
      d.log(paused ? 'self-heal paused' : 'self-heal resumed', {});
      if (!paused) d.trigger('self-heal-resumed');
      d.changed();
      return { type: 'accepted', message: paused ? 'self-heal paused: drift is left as it is until resumed' : 'self-heal resumed: a pass repairs drift now' };
    },
  };
}

function declared(d: OperatorActionDeps, ref: WorkloadRef): boolean {
  const desired = d.desired();
  if (!desired) return false;
  const key = resourceKey({ kind: ref.kind, meta: ref });
  return [...desired.deployments, ...desired.statefulSets, ...desired.daemonSets, ...desired.pods].some((w) => resourceKey(w) === key);
}

async function restart(d: OperatorActionDeps, ref: WorkloadRef): Promise<ActionResult> {
  if (!declared(d, ref)) return refused(404, `${ref.kind} ${ref.namespace}/${ref.name} is not declared by the revision berth runs`);
  if (!d.selfHeal || d.controls.selfHealPaused)
    return refused(409, 'self-heal is paused or off: a restart is carried out by the passes between commits; resume self-heal first');
  const at = await d.controls.restart(resourceKey({ kind: ref.kind, meta: ref }), new Date());
  d.log('restart requested', { kind: ref.kind, namespace: ref.namespace, name: ref.name, restartedAt: at });
  d.trigger('restart');
  d.changed();
  return {
    type: 'accepted',
    message: `${ref.kind} ${ref.namespace}/${ref.name} restarted at ${at}: its pods are replaced by its own rollout strategy`,
    restartedAt: at,
  };
}

async function rollback(d: OperatorActionDeps, ref: WorkloadRef, to: string): Promise<ActionResult> {
  if (ref.kind !== 'Deployment' && ref.kind !== 'StatefulSet')
    return refused(400, `a ${ref.kind} has no rollout history here (berth rollout undo): only a Deployment or a StatefulSet`);
  if (!d.writeBack) {
    return refused(
      409,
      'write-back is off: berth follows git, so a rollback is a revert commit it may not push; run berth with --write-back, or git revert on the branch',
    );
  }
  const lines: string[] = [];
  try {
    const source = await HistorySource.open({ stateDir: d.stateDir, path: d.path });
    const journal = await readJournal(d.stateDir, d.instance);
    const kind = ref.kind;
    const r = await undoInGit(
      { stateDir: d.stateDir, source, policy: d.policy, limit: 50, journal, log: (l) => lines.push(l) },
      { ref: { kind, namespace: ref.namespace, name: ref.name }, toRevision: to },
    );
    if (r.type === 'nothing') return { type: 'accepted', message: r.message, reverts: [] };
    d.trigger('rollback');
    d.changed();
    const head = r.reverts[r.reverts.length - 1]!.sha;
    return {
      type: 'accepted',
      message: `${r.reverts.length} revert commit(s) pushed, head ${shortSha(head)}: ${ref.name} goes back to template ${r.to}${r.warning ? ` (warning: ${r.warning})` : ''}`,
      reverts: r.reverts.map((x) => x.sha),
    };
  } catch (err) {
    const status = err instanceof BerthError && err.code === 'E_NOT_FOUND' ? 404 : 409;
    return refused(status, messageOf(err));
  }
}
