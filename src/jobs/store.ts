/**
 * The state of each CronJob (`<state>/cronjobs-<instance>.json`): when berth first saw it,
 * its lastScheduleTime and the Jobs it made. A restarted operator reads it back, so a time
 * that was run is never run again. CronJobs no longer declared are forgotten.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from '../util';
import type { CronJobState } from './cron';

export class CronJobStore {
  readonly file: string;
  private cache?: Map<string, CronJobState>;

  constructor(stateDir: string, instance: string) {
    this.file = path.join(stateDir, `cronjobs-${instance}.json`);
  }

  async load(): Promise<ReadonlyMap<string, CronJobState>> {
    if (!this.cache) {
      try {
        const v = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, CronJobState>;
        this.cache = new Map(Object.entries(v).filter(([, s]) => typeof s?.since === 'number' && Array.isArray(s.runs)));
      } catch {
        this.cache = new Map();
      }
    }
    return this.cache;
  }

  /** The new state of every declared CronJob (key -> state); written only when it changed. */
  async save(states: ReadonlyMap<string, CronJobState>): Promise<void> {
    const text = JSON.stringify(Object.fromEntries([...states].sort(([a], [b]) => (a < b ? -1 : 1))));
    const before = JSON.stringify(Object.fromEntries([...(await this.load())].sort(([a], [b]) => (a < b ? -1 : 1))));
    if (text === before) return;
    this.cache = new Map(states);
    await writeFileAtomic(this.file, text + '\n');
  }
}
