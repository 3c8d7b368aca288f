/** Calls of the page to berth's API: same origin, JSON, the token when the operator needs one. */
import type { DashboardSnapshot } from '../src/api/view/types';

export type { DashboardSnapshot };

const TOKEN_KEY = 'berth.apiToken';

export function savedToken(): string {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export interface ActionAnswer {
  ok: boolean;
  status: number;
  message: string;
}

/** POST an action; the answer's sentence, whatever happened. */
export async function act(path: string, body: Record<string, unknown>): Promise<ActionAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = savedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => ({}))) as { message?: string; error?: string };
    return { ok: res.ok, status: res.status, message: answer.message ?? answer.error ?? `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, status: 0, message: `berth did not answer: ${String(err)}` };
  }
}

/** The live snapshot: the server pushes one on every change; EventSource reconnects by itself. */
export function subscribe(onSnapshot: (s: DashboardSnapshot) => void, onConnected: (up: boolean) => void): () => void {
  const es = new EventSource('api/v1/events');
  es.addEventListener('snapshot', (e) => onSnapshot(JSON.parse((e as MessageEvent<string>).data) as DashboardSnapshot));
  es.onopen = () => onConnected(true);
  es.onerror = () => onConnected(false);
  return () => es.close();
}

export const short = (sha: string | undefined): string => (sha ?? '').slice(0, 8);

export function ago(iso: string | undefined | null, now: number): string {
  if (!iso) return '-';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
