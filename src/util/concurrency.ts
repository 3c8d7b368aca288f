/** Bounded concurrency for the engine calls of a step and for probes. */

/**
 * Runs `fn` over `items`, at most `bound` at once. Every item is tried even when one fails
 * (a failed creation must not leave its neighbours half done); then the first error is
 * thrown, naming how many failed.
 */
export async function inParallel<T>(items: readonly T[], bound: number, fn: (item: T) => Promise<void>): Promise<void> {
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(bound, items.length) }, worker));
  if (errors.length === 0) return;
  const first = errors[0];
  if (errors.length === 1) throw first;
  if (first instanceof Error) first.message += ` (and ${errors.length - 1} more action(s) failed)`;
  throw first;
}
