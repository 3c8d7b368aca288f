/**
 * `berth get -w`: the table once, then each row that changes, appears or goes, as kubectl
 * prints them. Driven by the engine's events on the instance (a container created, started,
 * died, removed...), not by a poll: each burst of events leads to one more read of the engine
 * once the read in progress ends.
 */
import type { Runtime } from '../../runtime';
import { LABEL } from '../../runtime';
import { renderChanged, type GetFormat } from './render';
import type { EndpointRow } from '../../services';
import type { JobRow } from '../jobRows';
import { rowKey, type AnyRow, type PodRow, type SectionName, type Sections, type ServiceRow, type WorkloadRow } from './rows';

/** A row that went, as the last line shows it: a pod `Deleted`, a workload with no pods. */
export function goneRow(section: SectionName, r: AnyRow): AnyRow {
  switch (section) {
    case 'pods': {
      const p = r as PodRow;
      return { ...p, status: 'Deleted', ready: `0/${p.containers.length}` };
    }
    case 'services':
      return { ...(r as ServiceRow), endpoints: [] };
    case 'listeners':
      return { ...(r as EndpointRow), state: 'removed', endpoints: '<none>' };
    case 'jobs':
      return { ...(r as JobRow), status: 'Deleted' } as unknown as AnyRow;
    default:
      return { ...(r as WorkloadRow), pods: 0, running: 0 };
  }
}

/** Per section, the rows to print: changed or new (in the new order), then gone ones. Pure. */
export function changedRows(prev: Sections, next: Sections): [SectionName, AnyRow[]][] {
  const out: [SectionName, AnyRow[]][] = [];
  for (const section of Object.keys(next) as SectionName[]) {
    const before = new Map((prev[section] ?? []).map((r: AnyRow) => [rowKey(section, r), JSON.stringify(r)]));
    const after = next[section] ?? [];
    const keys = new Set(after.map((r: AnyRow) => rowKey(section, r)));
    const rows: AnyRow[] = after.filter((r: AnyRow) => before.get(rowKey(section, r)) !== JSON.stringify(r));
    for (const r of (prev[section] ?? []) as AnyRow[]) if (!keys.has(rowKey(section, r))) rows.push(goneRow(section, r));
    if (rows.length > 0) out.push([section, rows]);
  }
  return out;
}

export interface WatchDeps {
  runtime: Runtime;
  instance: string;
  read(): Promise<Sections>;
  write(text: string): void;
}

/** Watches until `stop` resolves; rejects when the engine's event stream fails. */
export async function watchGet(deps: WatchDeps, first: Sections, format: GetFormat, widths: Map<SectionName, number[]>, stop: Promise<void>): Promise<void> {
  let shown = first;
  let reading = false;
  let again = false;
  let failed: ((err: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  const refresh = async (): Promise<void> => {
    if (reading) return void (again = true);
    reading = true;
    try {
      do {
        again = false;
        const next = await deps.read();
        for (const [section, rows] of changedRows(shown, next)) {
          const r = renderChanged(section, rows, format, widths.get(section));
          if (r.widths) widths.set(section, r.widths);
          deps.write(r.text);
        }
        shown = next;
      } while (again);
    } catch (err) {
      failed?.(err as Error);
    } finally {
      reading = false;
    }
  };
  const sub = deps.runtime.subscribe(
    { [LABEL.instance]: deps.instance },
    (e) => e.type === 'container' && void refresh(),
    (err) => failed?.(err),
  );
  try {
    await refresh(); // what changed between the first read and the subscription
    await Promise.race([stop, failure]);
  } finally {
    sub.close();
  }
}
