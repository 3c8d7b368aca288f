/** `berth get -o text|wide|json|yaml|name`: the same rows in every format. Pure. */
import { stringify } from 'yaml';
import type { EndpointRow } from '../../services';
import { tableLines, type Column } from '../table';
import type { JobRow } from '../jobRows';
import type { AnyRow, PodRow, SectionName, Sections, ServiceRow, What, WorkloadRow } from './rows';
import { shortSha } from '../../util';

export const FORMATS = ['text', 'wide', 'json', 'yaml', 'name'] as const;
export type GetFormat = (typeof FORMATS)[number];

const short = (sha: string): string => shortSha(sha);

export function columnsFor(section: SectionName, wide: boolean): Column<never>[] {
  switch (section) {
    case 'pods': {
      const cols: Column<PodRow>[] = [
        ['NAMESPACE', (r) => r.namespace],
        ['NAME', (r) => r.name],
        ['READY', (r) => r.ready],
        ['STATUS', (r) => r.status],
        ['OWNER', (r) => `${r.kind}/${r.owner}`],
        ['REVISION', (r) => shortSha(r.revision)],
      ];
      if (wide) cols.push(['IP', (r) => r.ip || '<none>'], ['TEMPLATE', (r) => r.specHash], ['CONTAINERS', (r) => r.containers.join(',')]);
      return cols as Column<never>[];
    }
    case 'jobs':
      return [
        ['NAMESPACE', (r: JobRow) => r.namespace],
        ['NAME', (r: JobRow) => r.name],
        ['STATUS', (r: JobRow) => r.status],
        ['COMPLETIONS', (r: JobRow) => r.completions],
        ['DURATION', (r: JobRow) => r.duration],
        ['AGE', (r: JobRow) => r.age],
      ] as Column<never>[];
    case 'listeners':
      return [
        ['SERVICE', (r: EndpointRow) => r.service],
        ['LISTEN', (r: EndpointRow) => r.listen],
        ['STATE', (r: EndpointRow) => r.state],
        ['READY ENDPOINTS', (r: EndpointRow) => r.endpoints],
      ] as Column<never>[];
    case 'services':
      return [
        ['NAMESPACE', (r: ServiceRow) => r.namespace],
        ['NAME', (r: ServiceRow) => r.name],
        ['NODE PORTS', (r: ServiceRow) => r.nodePorts?.join(',') || '-'],
        ['ENDPOINTS', (r: ServiceRow) => r.endpoints.join(',') || '<none>'],
      ] as Column<never>[];
    default: {
      const cols: Column<WorkloadRow>[] = [
        ['NAMESPACE', (r) => r.namespace],
        ['NAME', (r) => r.name],
        ['RUNNING', (r) => `${r.running}/${r.pods}`],
        ['TEMPLATE', (r) => r.templateHashes.join(',')],
        ['REVISION', (r) => r.revisions.map(short).join(',')],
      ];
      if (wide) cols.push(['IMAGES', (r) => r.images.join(',')]);
      return cols as Column<never>[];
    }
  }
}

/** kubectl's `-o name`: `pod/web-1`, `deployment/web`; a listener as `listener/NS/SVC:PORT`. */
export function nameOf(section: SectionName, r: AnyRow): string {
  const kind = {
    pods: 'pod',
    deployments: 'deployment',
    statefulsets: 'statefulset',
    daemonsets: 'daemonset',
    jobs: 'job',
    services: 'service',
    listeners: 'listener',
  }[section];
  return section === 'listeners' ? `${kind}/${(r as EndpointRow).service}` : `${kind}/${(r as { name: string }).name}`;
}

/** The whole answer of a `get`: one section, or every section of `all` (headed, in text). */
export function renderSections(sections: Sections, what: What, format: GetFormat): string {
  const entries = Object.entries(sections) as [SectionName, AnyRow[]][];
  if (format === 'json' || format === 'yaml') {
    const value = what === 'all' ? sections : (entries[0]?.[1] ?? []);
    return format === 'json' ? JSON.stringify(value, null, 2) + '\n' : stringify(value);
  }
  if (format === 'name') return entries.flatMap(([s, rows]) => rows.map((r) => nameOf(s, r) + '\n')).join('');
  let out = '';
  for (const [name, rows] of entries) {
    if (what === 'all') out += `\n${name.toUpperCase()}\n`;
    out += rows.length === 0 ? 'No resources found.\n' : tableLines(rows as never[], columnsFor(name, format === 'wide')).lines.join('\n') + '\n';
  }
  return out;
}

/** Rows that changed while watching, in the chosen format; tables reuse the widths printed first. */
export function renderChanged(
  section: SectionName,
  rows: readonly AnyRow[],
  format: GetFormat,
  widths?: readonly number[],
): { text: string; widths?: number[] } {
  if (rows.length === 0) return { text: '', widths: widths ? [...widths] : undefined };
  if (format === 'json') return { text: rows.map((r) => JSON.stringify(r, null, 2) + '\n').join('') };
  if (format === 'yaml') return { text: rows.map((r) => `---\n${stringify(r)}`).join('') };
  if (format === 'name') return { text: rows.map((r) => nameOf(section, r) + '\n').join('') };
  const t = tableLines(rows as never[], columnsFor(section, format === 'wide'), widths);
  return { text: t.lines.join('\n') + '\n', widths: t.widths };
}
