/**
 * Cleanup on Ctrl-C. berth's proxies run detached and containers outlive the bench, so an
 * interrupted run would leave them behind: scenarios register what to remove while they
 * run, and bench/run.ts runs every registered cleanup on SIGINT/SIGTERM before exiting.
 */
const pending = new Set<() => Promise<unknown>>();

/** Runs `body`; if the bench is interrupted meanwhile, `cleanup` runs before the exit. */
export async function withCleanup<T>(cleanup: () => Promise<unknown>, body: () => Promise<T>): Promise<T> {
  pending.add(cleanup);
  try {
    return await body();
  } finally {
    pending.delete(cleanup);
  }
}

/** Runs every registered cleanup (once each), whatever they throw. */
export async function runPendingCleanups(): Promise<number> {
  const all = [...pending];
  pending.clear();
  await Promise.allSettled(all.map((f) => f()));
  return all.length;
}
