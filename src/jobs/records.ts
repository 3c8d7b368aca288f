/**
 * The finished Job runs of an instance, in `<state>/jobs-<instance>.json`: what a Job's pods
 * cannot say once ttlSecondsAfterFinished removed them, or once a deadline removed the active
 * ones. A finished run is never run again. Records of Jobs no longer declared are dropped.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../util';
import { recordId, type JobRecord } from './status';

/** Runs remembered per declared Job (older specs, for rollbacks). */
const PER_JOB = 10;

export class JobRecordStore {
  readonly file: string;
  private cache?: Map<string, JobRecord>;

  constructor(stateDir: string, instance: string) {
    this.file = path.join(stateDir, `jobs-${instance}.json`);
  }

  async load(): Promise<ReadonlyMap<string, JobRecord>> {
    this.cache ??= await this.read();
    return this.cache;
  }

  /** Adds `finished`, forgets records of Jobs not in `declared` (keys); writes only on change. */
  async update(finished: readonly JobRecord[], declared: ReadonlySet<string>): Promise<void> {
    const all = new Map(await this.load());
    let changed = false;
    for (const r of finished) {
      all.set(recordId({ key: r.key, specHash: r.specHash, spawned: r.spawned === true }), r);
      changed = true;
    }
    for (const [id, r] of all) {
      if (!declared.has(r.key)) {
        all.delete(id);
        changed = true;
      }
    }
    const kept = prune([...all.values()]);
    if (kept.length !== all.size) changed = true;
    if (!changed) return;
    this.cache = new Map(kept.map((r) => [recordId({ key: r.key, specHash: r.specHash, spawned: r.spawned === true }), r]));
    await writeFileAtomic(this.file, JSON.stringify(kept, null, 1) + '\n');
  }

  private async read(): Promise<Map<string, JobRecord>> {
    try {
      const list = JSON.parse(await readFile(this.file, 'utf8')) as JobRecord[];
      if (!Array.isArray(list)) return new Map();
      return new Map(list.filter(isRecord).map((r) => [recordId({ key: r.key, specHash: r.specHash, spawned: r.spawned === true }), r]));
    } catch {
      return new Map();
    }
  }
}

function isRecord(v: unknown): v is JobRecord {
  const r = v as Partial<JobRecord>;
  return typeof r?.key === 'string' && typeof r.specHash === 'string' && (r.phase === 'Complete' || r.phase === 'Failed');
}

/** At most PER_JOB runs per key, the latest. */
function prune(records: JobRecord[]): JobRecord[] {
  const byKey = new Map<string, JobRecord[]>();
  for (const r of records) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  return [...byKey.values()].flatMap((list) => list.sort((a, b) => b.completionTime - a.completionTime).slice(0, PER_JOB));
}
