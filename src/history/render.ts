/**
 * `berth rollout status` and `berth rollout history` as plain text. Pure: values in, lines
 * out. Commit subjects and authors are untrusted and pass through `printable`.
 */
import { formatTime, printable } from '../audit';
import type { HealthCode, ResourceStatus } from '../health';
import { introducedBy } from './group';
import { describeId } from './ref';
import type { TemplateSummary } from './summary';
import type { WorkloadHistory, WorkloadId } from './types';
import { shortSha } from '../util';

const MAX_AUTHOR = 20;

/** Aligned columns, two spaces apart; the last column is not padded. */
export function columns(rows: readonly string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function clip(text: string, max: number): string {
  const t = printable(text);
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

export interface HistoryView {
  history: WorkloadHistory;
  /** Where the commits came from: "main of berth's clone (/s/repo), path deploy". */
  source: string;
  walked: number;
  truncated: boolean;
  /** What the engine says: the running group and its pod count, or why it is not known. */
  engine:
    | { type: 'running'; index: number; pods: number }
    | { type: 'unknown-template'; hash: string; pods: number }
    | { type: 'no-pods' }
    | { type: 'unreachable'; error: string };
}

export function renderHistory(v: HistoryView): string {
  const { history: h } = v;
  const lines = [
    `${describeId(h.id)}: ${h.groups.length} template(s) in the last ${v.walked} commit(s) of ${v.source}${v.truncated ? ' (--limit reached)' : ''}`,
  ];
  const running = v.engine.type === 'running' ? v.engine.index : -1;
  const rows = [['', 'TEMPLATE', 'COMMIT', 'DATE', 'AUTHOR', 'STATUS', 'SUBJECT']];
  h.groups.forEach((g, i) => {
    const first = introducedBy(g);
    const later = g.commits.length - 1;
    const notes = [
      g.hash === undefined ? 'not declared' : '',
      later > 0 ? `+${later} later commit(s)` : '',
      g.truncated ? 'introduced at or before this commit' : '',
    ].filter(Boolean);
    rows.push([
      i === running ? '*' : '',
      g.hash ?? '-',
      shortSha(first.commit.sha),
      formatTime(first.commit.date),
      clip(first.commit.author || '-', MAX_AUTHOR),
      first.status ?? '-',
      `${printable(first.commit.subject)}${notes.length ? `  (${notes.join('; ')})` : ''}`,
    ]);
  });
  lines.push(...(h.groups.length ? columns(rows) : ['  no commit walked declares it']));
  lines.push(engineLine(v));
  if (h.invalid.length > 0) {
    const list = h.invalid
      .slice(0, 5)
      .map((c) => `${shortSha(c.commit.sha)} (${clip(c.commit.subject, 40)})`)
      .join(', ');
    lines.push(`${h.invalid.length} commit(s) did not validate and declare nothing: ${list}${h.invalid.length > 5 ? ', …' : ''}`);
  }
  return lines.join('\n') + '\n';
}

function engineLine(v: HistoryView): string {
  switch (v.engine.type) {
    case 'running':
      return `*: runs on the engine now (${v.engine.pods} pod(s))`;
    case 'unknown-template':
      return `the engine runs template ${v.engine.hash} (${v.engine.pods} pod(s)), which no commit walked declares`;
    case 'no-pods':
      return 'no pods of it run on the engine';
    case 'unreachable':
      return `engine not reachable, running template unknown: ${v.engine.error}`;
  }
}

export type OperatorView =
  | { type: 'unreachable'; url: string; error: string }
  | {
      type: 'seen';
      url: string;
      instance: string;
      phase: string;
      lastAttempted?: { sha: string; status: string; reason?: string };
      lastApplied?: string;
      resource?: ResourceStatus;
    };

export interface StatusView {
  id: WorkloadId;
  /** The spec the pods are measured against, and where it came from. */
  spec?: { revision: string; hash: string; replicas: number; from: string };
  /** Why there is no spec (no clone, a content hash from `berth apply`, ...). */
  noSpec?: string;
  health?: { health: HealthCode; message: string };
  templates: TemplateSummary[];
  operator?: OperatorView;
}

export function renderStatus(v: StatusView): string {
  const lines = [`${describeId(v.id)}`];
  if (v.spec) lines.push(`  spec: template ${v.spec.hash}, ${v.spec.replicas} replica(s), from ${v.spec.from}`);
  else lines.push(`  spec: unknown (${v.noSpec ?? 'not found'})`);
  lines.push(`  health: ${v.health ? `${v.health.health}: ${v.health.message}` : 'Unknown (needs the spec)'}`);
  if (v.templates.length === 0) lines.push('  no pods on the engine');
  else {
    const rows = [['TEMPLATE', 'PODS', 'RUNNING', 'READY', 'AVAILABLE', 'REVISIONS']];
    for (const t of v.templates) {
      rows.push([
        `${t.hash}${t.current ? '*' : ''}`,
        String(t.pods),
        String(t.running),
        String(t.ready),
        String(t.available),
        t.revisions.map(shortSha).join(','),
      ]);
    }
    lines.push(...columns(rows).map((l) => `  ${l}`));
    if (v.spec) lines.push('  *: the template of the spec');
  }
  if (v.operator) lines.push(...operatorLines(v.operator, v.id));
  return lines.join('\n') + '\n';
}

function operatorLines(o: OperatorView, id: WorkloadId): string[] {
  if (o.type === 'unreachable') return [`  operator at ${o.url}: not reachable (${o.error})`];
  const attempted = o.lastAttempted
    ? `${shortSha(o.lastAttempted.sha)} ${o.lastAttempted.status}${o.lastAttempted.reason ? ` (${printable(o.lastAttempted.reason)})` : ''}`
    : '-';
  const lines = [
    `  operator at ${o.url} (instance ${o.instance}): ${o.phase}; last attempted ${attempted}; last applied ${o.lastApplied ? shortSha(o.lastApplied) : '-'}`,
  ];
  const r = o.resource;
  if (r) lines.push(`    its view of ${id.name}: ${r.health}: ${printable(r.message)}${r.waiting ? `; waiting: ${printable(r.waiting)}` : ''}`);
  else lines.push(`    it reports nothing about ${describeId(id)}`);
  return lines;
}
