/**
 * `GET /api/v1/logs?namespace=NS&target=pod/NAME|deployment/NAME|statefulset/NAME|daemonset/NAME
 * &container=C&tail=N&since=D&follow=1`: a pod's or a workload's log lines as Server-Sent
 * Events, read and merged by src/logs exactly as `berth logs` does. Each line is one event
 * `data: {"pod","container","time","line"}` (the default event type, so EventSource's
 * onmessage gets it); named events say when a container's stream starts (`started`) or ends
 * (`ended`, with `why`), and `end` closes a stream that will carry nothing more (no follow, or
 * a followed pod whose containers stopped). Refusals come before the stream, as JSON: 400 for
 * bad parameters, 404 when nothing is selected, 501 when the server reads no logs.
 */
import type * as http from 'node:http';
import { defaultTail, parseLogTarget, parseSince, type LogEvent, type LogRequest, type LogSession } from '../logs';
import { isBerthError, messageOf } from '../util';

/** What the server needs: opening logs of its own instance (the operator binds the runtime). */
export type LogOpener = (req: Omit<LogRequest, 'instance'>, onEvent: (e: LogEvent) => void) => Promise<LogSession>;

/** A comment line now and then keeps idle follow streams open through proxies. */
const KEEPALIVE_MS = 15_000;

type Parsed = { ok: true; req: Omit<LogRequest, 'instance'> } | { ok: false; error: string };

/** The query as a request, or why it is refused. Pure. */
export function parseLogQuery(q: URLSearchParams, nowMs: number): Parsed {
  const targetText = q.get('target');
  if (!targetText) return { ok: false, error: 'target is required: pod/NAME, deployment/NAME, statefulset/NAME or daemonset/NAME' };
  let target;
  try {
    target = parseLogTarget(targetText);
  } catch (err) {
    return { ok: false, error: messageOf(err) };
  }
  const tailText = q.get('tail');
  if (tailText !== null && !/^-?\d+$/.test(tailText)) return { ok: false, error: `tail: "${tailText}" is not a number` };
  const tail = tailText === null ? defaultTail(target) : Number(tailText) < 0 ? undefined : Number(tailText);
  const sinceText = q.get('since');
  const since = sinceText === null ? undefined : parseSince(sinceText);
  if (sinceText !== null && since === undefined) return { ok: false, error: `since: "${sinceText}" is not a duration such as 30s, 5m, 1h` };
  const container = q.get('container') || undefined;
  return {
    ok: true,
    req: {
      namespace: q.get('namespace') || 'default',
      target,
      ...(container ? { container } : {}),
      follow: q.get('follow') === '1' || q.get('follow') === 'true',
      tail,
      ...(since !== undefined ? { sinceSeconds: nowMs / 1000 - since } : {}),
    },
  };
}

/** One SSE frame. Log text is JSON-encoded, so a line can never break the framing. */
export function sseFrame(e: LogEvent): string {
  if (e.type === 'line') return `data: ${JSON.stringify({ pod: e.pod, container: e.container, time: e.line.time, line: e.line.text })}\n\n`;
  const { type, ...rest } = e;
  return `event: ${type}\ndata: ${JSON.stringify(rest)}\n\n`;
}

export async function serveLogs(req: http.IncomingMessage, res: http.ServerResponse, url: URL, open: LogOpener | undefined): Promise<void> {
  const json = (code: number, body: unknown): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body) + '\n');
  };
  if (!open) return json(501, { error: 'this server reads no logs' });
  const parsed = parseLogQuery(url.searchParams, Date.now());
  if (!parsed.ok) return json(400, { error: parsed.error });
  const early: LogEvent[] = [];
  let streaming = false;
  const write = (e: LogEvent): void => void (streaming ? res.write(sseFrame(e)) : early.push(e));
  let session: LogSession;
  try {
    session = await open(parsed.req, write);
  } catch (err) {
    return json(isBerthError(err, 'E_NOT_FOUND') ? 404 : isBerthError(err, 'E_USAGE') ? 400 : 502, { error: messageOf(err) });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  streaming = true;
  for (const e of early.splice(0)) res.write(sseFrame(e));
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  req.on('close', () => session.close());
  try {
    await session.done;
    res.write('event: end\ndata: {}\n\n');
  } catch (err) {
    res.write(`event: error\ndata: ${JSON.stringify({ error: messageOf(err) })}\n\n`);
  } finally {
    clearInterval(keepalive);
    res.end();
  }
}
