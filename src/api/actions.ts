/**
 * The mutating endpoints: sync now, roll back a workload to a revision, restart a workload,
 * pause or resume self-heal. Each is guarded (guard.ts), takes a small JSON body checked
 * here, and answers a typed ActionResult: 202 accepted (the loop does the work at its next
 * pass), 4xx refused with a sentence.
 */
import type * as http from 'node:http';
import { guardMutation, type GuardConfig } from './guard';

export interface WorkloadRef {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';
  namespace: string;
  name: string;
}

export type ActionResult =
  { type: 'accepted'; message: string; [extra: string]: unknown } | { type: 'refused'; status: 400 | 404 | 409 | 501; message: string };

export interface ActionDeps {
  sync(): ActionResult | Promise<ActionResult>;
  rollback(ref: WorkloadRef, toRevision: string): Promise<ActionResult>;
  restart(ref: WorkloadRef): Promise<ActionResult>;
  setSelfHealPaused(paused: boolean): Promise<ActionResult>;
}

export const ACTION_ROUTES = ['/api/v1/sync', '/api/v1/rollback', '/api/v1/restart', '/api/v1/self-heal'] as const;
export type ActionRoute = (typeof ACTION_ROUTES)[number];

const MAX_ACTION_BODY = 16 * 1024;
const KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'];
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export async function handleAction(
  route: ActionRoute,
  req: http.IncomingMessage,
  guard: GuardConfig,
  deps: ActionDeps,
): Promise<{ status: number; body: ActionResult | { type: 'refused'; message: string } }> {
  const verdict = guardMutation(req.headers, guard);
  if (!verdict.ok) {
    req.resume();
    return { status: verdict.status, body: { type: 'refused', message: verdict.reason } };
  }
  const body = await readJson(req);
  if (!body.ok) return refused(400, body.message);
  const result = await dispatch(route, body.value, deps);
  return { status: result.type === 'accepted' ? 202 : result.status, body: result };
}

async function dispatch(route: ActionRoute, body: Record<string, unknown>, deps: ActionDeps): Promise<ActionResult> {
  switch (route) {
    case '/api/v1/sync':
      return deps.sync();
    case '/api/v1/self-heal':
      if (typeof body.paused !== 'boolean') return { type: 'refused', status: 400, message: 'body: {"paused": true|false}' };
      return deps.setSelfHealPaused(body.paused);
    case '/api/v1/restart': {
      const ref = workloadRef(body);
      return ref.ok ? deps.restart(ref.value) : { type: 'refused', status: 400, message: ref.message };
    }
    case '/api/v1/rollback': {
      const ref = workloadRef(body);
      if (!ref.ok) return { type: 'refused', status: 400, message: ref.message };
      const to = body.toRevision;
      if (typeof to !== 'string' || !/^[0-9a-f]{7,40}$/i.test(to))
        return { type: 'refused', status: 400, message: 'toRevision: a commit sha (7 to 40 hex digits)' };
      return deps.rollback(ref.value, to.toLowerCase());
    }
  }
}

export function workloadRef(body: Record<string, unknown>): Parsed<WorkloadRef> {
  const { kind, name } = body;
  const namespace = body.namespace ?? 'default';
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return { ok: false, message: `kind: one of ${KINDS.join(', ')}` };
  if (typeof namespace !== 'string' || !NAME.test(namespace)) return { ok: false, message: 'namespace: a DNS name' };
  if (typeof name !== 'string' || !NAME.test(name)) return { ok: false, message: 'name: a DNS name' };
  return { ok: true, value: { kind: kind as WorkloadRef['kind'], namespace, name } };
}

function refused(status: 400, message: string) {
  return { status, body: { type: 'refused' as const, status, message } };
}

/** An empty body is `{}` (so `curl -X POST` syncs); anything else must be a JSON object. */
async function readJson(req: http.IncomingMessage): Promise<Parsed<Record<string, unknown>>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_ACTION_BODY) return { ok: false, message: `body larger than ${MAX_ACTION_BODY} bytes` };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return { ok: true, value: {} };
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? { ok: true, value: v as Record<string, unknown> } : { ok: false, message: 'body: a JSON object' };
  } catch {
    return { ok: false, message: 'body: not JSON' };
  }
}
