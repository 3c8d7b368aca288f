/**
 * One timer for the next time-bound change of the Jobs (an activeDeadlineSeconds, a
 * ttlSecondsAfterFinished): nothing on the engine announces them, so the loop is woken then.
 * Unref'd: it never keeps a process alive.
 */
export class WakeTimer {
  private timer?: NodeJS.Timeout;
  private due = Infinity;

  constructor(private readonly wake: () => void) {}

  /** Wake at `when` (unix ms; Infinity: never), replacing an earlier plan. */
  at(when: number, now: number): void {
    if (when === this.due) return;
    this.stop();
    this.due = when;
    if (!Number.isFinite(when)) return;
    // A little after the moment, so the look that follows sees it passed.
    this.timer = setTimeout(
      () => {
        this.due = Infinity;
        this.wake();
      },
      Math.max(0, when - now) + 50,
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = Infinity;
  }
}
