/** berth's dashboard: the application tree, revisions and actions, live from the server's event stream. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { WorkloadNode } from '../src/api/view/types';
import { act, saveToken, savedToken, short, subscribe, type ActionAnswer, type DashboardSnapshot } from './api';
import { NodeStatus } from './badges';
import { Details } from './describe';
import { Logs } from './logs';
import { Revisions } from './revisions';
import { Tree } from './tree';

type Tab = 'app' | 'revisions';

function App() {
  const [snap, setSnap] = useState<DashboardSnapshot | undefined>();
  const [connected, setConnected] = useState(false);
  const [tab, setTab] = useState<Tab>('app');
  const [answer, setAnswer] = useState<ActionAnswer | undefined>();
  const [logsOf, setLogsOf] = useState<{ namespace: string; target: string } | undefined>();
  const [detailsOf, setDetailsOf] = useState<{ namespace: string; pod: string } | undefined>();
  useEffect(() => subscribe(setSnap, setConnected), []);
  if (!snap) return <p class="loading">connecting to berth…</p>;
  const { view, revisions } = snap;
  const now = Date.parse(view.at);
  const run = async (path: string, body: Record<string, unknown>) => setAnswer(await act(path, body));
  const restart = (w: WorkloadNode) => run('api/v1/restart', { kind: w.kind, namespace: w.namespace, name: w.name });
  const rollback = (w: WorkloadNode, sha: string) => run('api/v1/rollback', { kind: w.kind, namespace: w.namespace, name: w.name, toRevision: sha });
  const att = view.lastAttemptedRevision;
  return (
    <div class="page">
      <header>
        <h1>berth</h1>
        <span class="instance">{view.instance}</span>
        <span class="meta">
          {view.source.repo} @ {view.source.branch}
          {view.source.path !== '.' ? ` /${view.source.path}` : ''}
        </span>
        <span class={`live ${connected ? 'up' : 'down'}`} data-connected={String(connected)}>
          {connected ? '● live' : '○ reconnecting'}
        </span>
      </header>
      <div class="summary" data-app-health={view.app.health} data-app-sync={view.app.sync}>
        <NodeStatus s={view.app} />
        <span class="meta">
          phase <b data-phase={view.phase}>{view.phase}</b> · running <code>{short(view.app.running) || 'nothing'}</code>
          {att && att.sha !== view.app.running && (
            <>
              {' '}
              · head <code>{short(att.sha)}</code> <span class={`badge outcome ${att.status}`}>{att.status}</span>
            </>
          )}
          {view.lastSyncAt && ` · last pass ${view.lastSyncAt.slice(11, 19)}Z`}
        </span>
      </div>
      {view.lastError && <pre class="error">{view.lastError}</pre>}
      <Actions snap={snap} run={run} />
      {answer && (
        <div class={`answer ${answer.ok ? 'ok' : 'refused'}`} data-answer-status={answer.status} onClick={() => setAnswer(undefined)}>
          {answer.message}
        </div>
      )}
      <nav>
        <button class={tab === 'app' ? 'on' : ''} onClick={() => setTab('app')}>
          Application
        </button>
        <button class={tab === 'revisions' ? 'on' : ''} onClick={() => setTab('revisions')} data-tab="revisions">
          Revisions ({revisions.length})
        </button>
      </nav>
      {tab === 'app' ? (
        <Tree
          view={view}
          onLogs={(namespace, target) => setLogsOf({ namespace, target })}
          onRestart={restart}
          onDetails={(namespace, pod) => setDetailsOf({ namespace, pod })}
        />
      ) : (
        <Revisions revisions={revisions} running={view.app.running} workloads={view.workloads} now={now} onRollback={rollback} />
      )}
      {detailsOf && <Details namespace={detailsOf.namespace} pod={detailsOf.pod} changed={view.at} onClose={() => setDetailsOf(undefined)} />}
      {logsOf && <Logs namespace={logsOf.namespace} target={logsOf.target} onClose={() => setLogsOf(undefined)} />}
    </div>
  );
}

function Actions({ snap, run }: { snap: DashboardSnapshot; run(path: string, body: Record<string, unknown>): Promise<void> }) {
  const [token, setToken] = useState(savedToken());
  const v = snap.view;
  return (
    <div class="actions">
      <button onClick={() => run('api/v1/sync', {})} data-action="sync">
        ↻ Sync now
      </button>
      {v.selfHeal.enabled && (
        <button onClick={() => run('api/v1/self-heal', { paused: !v.selfHeal.paused })} data-action="self-heal">
          {v.selfHeal.paused ? 'Resume self-heal' : 'Pause self-heal'}
        </button>
      )}
      <span class="meta">
        self-heal {v.selfHeal.enabled ? (v.selfHeal.paused ? 'paused' : 'on') : 'off'} · write-back {v.actions.writeBack ? 'on' : 'off'}
      </span>
      {v.actions.tokenRequired && (
        <label class="token">
          API token{' '}
          <input
            type="password"
            value={token}
            data-token-input
            onInput={(e) => {
              const t = (e.target as HTMLInputElement).value;
              setToken(t);
              saveToken(t);
            }}
          />
        </label>
      )}
    </div>
  );
}

render(<App />, document.getElementById('app')!);
