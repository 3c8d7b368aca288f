/** Small pieces every node shows: health and sync with their reason in words. */
import type { NodeState } from '../src/api/view/types';

const HEALTH_ICON: Record<string, string> = { Healthy: '♥', Progressing: '◔', Degraded: '✖', Missing: '?', Unknown: '?', Suspended: '⏸' };

export function Health({ s }: { s: Pick<NodeState, 'health' | 'message'> }) {
  return (
    <span class={`badge health ${s.health}`} title={s.message} data-health={s.health}>
      {HEALTH_ICON[s.health] ?? '?'} {s.health}
    </span>
  );
}

export function Sync({ s }: { s: Pick<NodeState, 'sync' | 'syncReason'> }) {
  return (
    <span class={`badge sync ${s.sync}`} title={s.syncReason || 'the engine runs what the revision declares'}>
      {s.sync === 'Synced' ? '✔' : '↻'} {s.sync}
    </span>
  );
}

/** Health, sync, and the reasons as text (not only in a tooltip). */
export function NodeStatus({ s, compact }: { s: NodeState; compact?: boolean }) {
  return (
    <span class="status">
      <Health s={s} /> <Sync s={s} />
      {!compact && <span class="reason">{[s.message, s.syncReason].filter(Boolean).join(' · ')}</span>}
    </span>
  );
}
