/** Every commit berth looked at: author, subject, outcome, times, and why (errors, reason, rollback, revert). */
import { useState } from 'preact/hooks';
import type { HistoryJson } from '../src/audit/history';
import type { WorkloadNode } from '../src/api/view/types';
import { ago, short } from './api';

export interface RevisionsProps {
  revisions: HistoryJson[];
  running?: string;
  workloads: WorkloadNode[];
  now: number;
  onRollback(w: WorkloadNode, sha: string): void;
}

export function Revisions({ revisions, running, workloads, now, onRollback }: RevisionsProps) {
  if (revisions.length === 0) return <p class="empty">No revision recorded yet.</p>;
  return (
    <table class="revisions">
      <thead>
        <tr>
          <th>commit</th>
          <th>author</th>
          <th>subject</th>
          <th>outcome</th>
          <th>committed</th>
          <th>applied</th>
        </tr>
      </thead>
      <tbody>
        {revisions.map((r) => (
          <Row key={r.sha} r={r} running={r.sha === running} workloads={workloads} now={now} onRollback={onRollback} />
        ))}
      </tbody>
    </table>
  );
}

function Row({
  r,
  running,
  workloads,
  now,
  onRollback,
}: {
  r: HistoryJson;
  running: boolean;
  workloads: WorkloadNode[];
  now: number;
  onRollback: RevisionsProps['onRollback'];
}) {
  const [open, setOpen] = useState(r.status === 'rejected' || r.status === 'failed');
  const [picking, setPicking] = useState(false);
  const rollable = workloads.filter((w) => w.kind !== 'Pod');
  const hasDetails = r.errors.length > 0 || !!r.reason || (r.summary?.length ?? 0) > 0;
  return (
    <>
      <tr class={`rev ${r.status}`} data-revision={r.sha} onClick={() => setOpen(!open)}>
        <td>
          <code>{short(r.sha)}</code> {running && <span class="tag">running</span>}
        </td>
        <td>{r.author}</td>
        <td>{r.subject}</td>
        <td>
          <span class={`badge outcome ${r.status}`}>{r.status}</span>
        </td>
        <td title={r.committedAt}>{ago(r.committedAt, now)}</td>
        <td title={r.appliedAt ?? ''}>{ago(r.appliedAt, now)}</td>
      </tr>
      {open && hasDetails && (
        <tr class="details">
          <td colSpan={6}>
            {r.reason && <p class="why">{r.reason}</p>}
            {r.errors.length > 0 && (
              <ul class="errors">
                {r.errors.map((e, i) => (
                  <li key={i}>
                    <code>{e}</code>
                  </li>
                ))}
              </ul>
            )}
            {r.rollbackTo && (
              <p>
                rolled back to <code>{short(r.rollbackTo)}</code>
              </p>
            )}
            {r.revertSha && (
              <p>
                revert commit <code>{short(r.revertSha)}</code> pushed
              </p>
            )}
            {(r.summary?.length ?? 0) > 0 && (
              <details>
                <summary>{r.summary!.length} change(s) made</summary>
                <pre class="changes">{r.summary!.join('\n')}</pre>
              </details>
            )}
            <p class="meta">
              started {r.startedAt ?? '-'} · ended {r.appliedAt ?? '-'} · {r.actions ?? 0} action(s)
            </p>
          </td>
        </tr>
      )}
      {r.status === 'succeeded' && !running && rollable.length > 0 && (
        <tr class="rollback">
          <td colSpan={6}>
            {picking ? (
              <span>
                roll back to <code>{short(r.sha)}</code>:{' '}
                {rollable.map((w) => (
                  <button key={w.name} class="small" onClick={() => (setPicking(false), onRollback(w, r.sha))}>
                    {w.kind} {w.name}
                  </button>
                ))}{' '}
                <button class="small link" onClick={() => setPicking(false)}>
                  cancel
                </button>
              </span>
            ) : (
              <button class="small link" onClick={() => setPicking(true)}>
                roll back a workload to this revision…
              </button>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
