/**
 * Runs `tick` every `intervalMs`, never two at once (a slow tick delays the next rather than
 * piling up). The operator probes its pods this way between passes: liveness, readiness and
 * Service endpoints follow the pods within about a second, not at the next resync.
 */
import type { Closer } from '../git';

export function every(intervalMs: number, tick: () => Promise<void>, onError: (err: unknown) => void): Closer {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().catch(onError).finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
