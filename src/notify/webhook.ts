/**
 * `--notify URL`: each outcome as JSON, signed like GitHub's webhooks: header
 * `X-Berth-Signature-256: sha256=<hex HMAC-SHA256 of the body>` with the secret of
 * `--notify-secret-file`. `--notify slack:URL`: Slack's incoming-webhook shape (`text`,
 * mrkdwn), which Slack authenticates by its URL alone.
 *
 * What goes out is what the journal and the notes already hold: statuses, reasons and
 * located errors, which never carry a Secret's value.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Delivery } from './queue';
import { eventName, type NotifySource, type OutcomeEvent } from './types';
import { shortSha } from '../util';

export const SIGNATURE_HEADER = 'x-berth-signature-256';

export type NotifyTarget = { kind: 'json' | 'slack'; url: string };

/** `slack:https://...` or a plain http(s) URL. */
export function parseNotifyTarget(spec: string): NotifyTarget {
  const slack = spec.startsWith('slack:');
  const url = slack ? spec.slice('slack:'.length) : spec;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error(`--notify ${slack ? 'slack:' : ''}URL: "${redactedUrl(url)}" is not an http(s) URL`);
  }
  return { kind: slack ? 'slack' : 'json', url };
}

/** The URL without user, password, query or path beyond the host: safe for logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/...`;
  } catch {
    return '(not a URL)';
  }
}

export function jsonPayload(e: OutcomeEvent, src: NotifySource, at: string): Record<string, unknown> {
  const base = { event: eventName(e), instance: src.instance, repo: src.repo, branch: src.branch, at };
  switch (e.type) {
    case 'revision':
      return { ...base, revision: e.revision, ...pick({ reason: e.reason, errors: e.errors, rollbackTo: e.rollbackTo, revertSha: e.revertSha }) };
    case 'drift-repaired':
      return { ...base, revision: e.revision, actions: e.actions, summary: e.summary };
    case 'operator':
      return base;
  }
}

export function slackPayload(e: OutcomeEvent, src: NotifySource): { text: string } {
  const where = `${src.repo}@${src.branch} (instance ${src.instance})`;
  if (e.type === 'operator') return { text: `berth ${e.status} following ${where}` };
  const rev = `\`${shortSha(e.revision.sha)}\` ${e.revision.subject}`;
  if (e.type === 'drift-repaired') return { text: `:wrench: drift repaired on ${where}: ${e.actions} action(s) for ${rev}` };
  const icon = { applying: ':hourglass:', succeeded: ':white_check_mark:', failed: ':x:', rejected: ':no_entry:', superseded: ':fast_forward:' }[e.status];
  const lines = [`${icon} ${rev} *${e.status}* on ${where}`];
  if (e.reason) lines.push(`> ${e.reason}`);
  if (e.rollbackTo) lines.push(`rolled back to \`${shortSha(e.rollbackTo)}\``);
  for (const err of (e.errors ?? []).slice(0, 10)) lines.push(`• ${err}`);
  return { text: lines.join('\n') };
}

/** The request for one event to one target. */
export function webhookDelivery(target: NotifyTarget, e: OutcomeEvent, src: NotifySource, secret: string | undefined, at = new Date().toISOString()): Delivery {
  const body = JSON.stringify(target.kind === 'slack' ? slackPayload(e, src) : jsonPayload(e, src, at));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'berth',
    'x-berth-event': eventName(e),
    'x-berth-delivery': randomUUID(),
  };
  if (secret !== undefined && target.kind === 'json') headers[SIGNATURE_HEADER] = signature(body, secret);
  return { body, headers };
}

export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function pick(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}
