/**
 * The CronJob scheduler of `berth run`: one node-cron task per CronJob whose tick only wakes
 * the loop; the pass then decides what runs (cron.ts, from the saved lastScheduleTime), so a
 * tick that comes twice, late, or while the operator was down changes nothing. Lives as long
 * as the operator; stop() ends every task.
 */
import { createTask, type ScheduledTask } from 'node-cron';
import { resourceKey, type CronJobResource } from '../model';
import { parseSchedule } from '../model';

export class CronScheduler {
  private readonly tasks = new Map<string, { signature: string; task: ScheduledTask }>();

  constructor(private readonly wake: (key: string) => void) {}

  /** Tasks for exactly these CronJobs (suspended ones have none). */
  sync(cronJobs: readonly CronJobResource[]): void {
    const wanted = new Map<string, { cj: CronJobResource; expression: string }>();
    for (const cj of cronJobs) {
      const parsed = parseSchedule(cj.schedule);
      if (parsed.ok && !cj.suspend) wanted.set(resourceKey(cj), { cj, expression: parsed.schedule.expression });
    }
    for (const [key, t] of this.tasks) {
      const w = wanted.get(key);
      if (!w || signatureOf(w.expression, w.cj.timeZone) !== t.signature) {
        void t.task.destroy();
        this.tasks.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (this.tasks.has(key)) continue;
      const task = createTask(w.expression, () => this.wake(key), { timezone: w.cj.timeZone, name: `berth ${key}` });
      void task.start();
      this.tasks.set(key, { signature: signatureOf(w.expression, w.cj.timeZone), task });
    }
  }

  stop(): void {
    for (const t of this.tasks.values()) void t.task.destroy();
    this.tasks.clear();
  }
}

function signatureOf(expression: string, tz: string | undefined): string {
  return `${expression}\0${tz ?? ''}`;
}
