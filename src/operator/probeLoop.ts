/**
 * Runs `tick` every `intervalMs`, never two at once (a slow tick delays the next rather than
 * piling up). The operator probes its pods this way between passes: liveness, readiness and
 * Service endpoints follow the pods within about a second, not at the next resync. `close`
 * aborts the tick's signal before waiting for it: a long tick (a sweep of the engine's stats
 * of 500 containers takes a minute) stops at its next check instead of holding up a stop.
 */
import type { Closer } from '../git';

export function every(intervalMs: number, tick: (signal: AbortSignal) => Promise<void>, onError: (err: unknown) => void): Closer {
  let timer: NodeJS.Timeout | undefined;
  const stop = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (stop.signal.aborted) return;
    timer = setTimeout(() => {
      running = tick(stop.signal).catch(onError).finally(schedule);
    }, intervalMs);
  };
  schedule();
  return {
    close: async () => {
      stop.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
