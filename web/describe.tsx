/**
 * A pod's details, in the spirit of `kubectl describe`: `GET /api/v1/describe` answers what
 * `berth describe` computes (src/cli/describe), rendered here as a panel: conditions,
 * containers with their state, exit code, restarts and probes, the Services it is an
 * endpoint of, and its events (created, started, ready, probe failed, restarted, killed).
 * Fetched again when the server pushes a change, at most every MIN_GAP_MS.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Described } from '../src/cli/describe/types';
import { age, formatProbe } from '../src/cli/describe/render';
import { containerReady } from '../src/cli/describe/conditions';

const MIN_GAP_MS = 2000;

type Answer = { type: 'loading' } | { type: 'ok'; described: Described; text: string } | { type: 'error'; message: string };

export function Details({ namespace, pod, changed, onClose }: { namespace: string; pod: string; changed: string; onClose(): void }) {
  const [answer, setAnswer] = useState<Answer>({ type: 'loading' });
  // One fetch at a time: a change pushed while one is in flight asks for one more after it
  // (cancelling it instead would never show an answer when pushes come faster than it).
  const loader = useRef({ target: { namespace, pod }, inFlight: false, again: false, last: 0 });
  useEffect(() => {
    loader.current.target = { namespace, pod };
    setAnswer({ type: 'loading' });
  }, [namespace, pod]);
  useEffect(() => {
    const l = loader.current;
    const load = async (): Promise<void> => {
      if (l.inFlight) {
        l.again = true;
        return;
      }
      l.inFlight = true;
      l.again = false;
      l.last = Date.now();
      const asked = l.target;
      const got = await fetchDetails(asked.namespace, asked.pod);
      l.inFlight = false;
      // The answer for a pod no longer shown is dropped; `again` fetches the one shown.
      if (asked === l.target) setAnswer(got);
      else l.again = true;
      if (l.again) setTimeout(() => void load(), MIN_GAP_MS);
    };
    const timer = setTimeout(() => void load(), Math.max(0, l.last + MIN_GAP_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [namespace, pod, changed]);
  return (
    <div class="details-panel" data-details={`${namespace}/${pod}`}>
      <div class="head">
        <b>pod</b> {namespace}/{pod}{' '}
        <button class="small link" onClick={onClose}>
          close
        </button>
      </div>
      {answer.type === 'loading' && <p class="meta">loading…</p>}
      {answer.type === 'error' && <p class="error">{answer.message}</p>}
      {answer.type === 'ok' && <Body d={answer.described} text={answer.text} />}
    </div>
  );
}

async function fetchDetails(namespace: string, pod: string): Promise<Answer> {
  const q = new URLSearchParams({ kind: 'Pod', namespace, name: pod });
  try {
    const res = await fetch(`api/v1/describe?${q}`);
    const body = (await res.json()) as { described: Described; text: string; error?: string };
    return res.ok ? { type: 'ok', described: body.described, text: body.text } : { type: 'error', message: body.error ?? `HTTP ${res.status}` };
  } catch (err) {
    return { type: 'error', message: `berth did not answer: ${String(err)}` };
  }
}

function Body({ d, text }: { d: Described; text: string }) {
  const p = d.pods[0];
  const now = Date.now();
  return (
    <>
      {p && (
        <p class="meta">
          {p.kind === 'Pod' ? 'bare pod' : `${p.kind}/${p.owner}`} · template <code>{p.specHash}</code> · revision <code>{p.revision.slice(0, 8)}</code> · IP{' '}
          <code>{p.ip || 'none'}</code> · created {age(p.createdAt, now)} ago
          {p.terminating && ` · terminating, killed at ${new Date(p.terminating.deadline).toISOString().slice(11, 19)}Z at the latest`}
        </p>
      )}
      <h3>Conditions</h3>
      <table class="conditions">
        <tbody>
          {d.conditions.map((c) => (
            <tr key={c.type} data-condition={c.type} data-status={c.status}>
              <td>{c.type}</td>
              <td class={`cond ${c.status}`}>{c.status}</td>
              <td>{c.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Containers</h3>
      {(p?.containers ?? []).map((c) => (
        <div class="container-details" key={c.name} data-container={c.name}>
          <b>{c.name}</b> <code>{c.image}</code> <span class={`state ${c.state}`}>{c.state}</span>
          {c.state !== 'running' && <span data-exit-code={c.exitCode}> exit code {c.exitCode}</span>}
          {c.oomKilled && ' · OOM-killed'} · {c.restartCount} restart(s) · ready {containerReady(c) ? 'yes' : 'no'}
          {c.readinessProbe && (
            <div class="probe">
              readiness <code>{formatProbe(c.readinessProbe)}</code>
              {c.readinessNow && (
                <span class={c.readinessNow.ok ? 'ok' : 'failing'}> now: {c.readinessNow.ok ? 'passes' : `fails: ${c.readinessNow.reason}`}</span>
              )}
            </div>
          )}
          {c.livenessProbe && (
            <div class="probe">
              liveness <code>{formatProbe(c.livenessProbe)}</code>
              {c.livenessNow && <span class={c.livenessNow.ok ? 'ok' : 'failing'}> now: {c.livenessNow.ok ? 'passes' : `fails: ${c.livenessNow.reason}`}</span>}
            </div>
          )}
        </div>
      ))}
      <h3>Endpoint of</h3>
      <p data-endpoint-of>{d.services?.length ? d.services.map((s) => `service/${s}`).join(', ') : 'no Service'}</p>
      <h3>Events</h3>
      <table class="events">
        <tbody>
          {d.events.map((e, i) => (
            <tr key={i} class={e.type} data-event={e.reason}>
              <td title={new Date(e.time).toISOString()}>{age(e.time, now)} ago</td>
              <td>{e.type}</td>
              <td>{e.reason}</td>
              <td>{e.object}</td>
              <td>{e.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>as `berth describe pod/{d.name}` prints it</summary>
        <pre class="describe-text">{text}</pre>
      </details>
    </>
  );
}
