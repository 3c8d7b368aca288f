/**
 * Log lines with Secret values replaced, the one wrapper both `GET /api/v1/logs` and
 * `berth logs` put around a session's events: containers print what they were given, and a
 * Secret value must never leave berth (CONTRIBUTING: Secrets). The values are those of the
 * commit each line's pod was applied from (its `revision`; secretRedactor in
 * src/secrets/redact.ts), so a pod of a rollout that began after the logs were opened, with
 * a rotated value, is scrubbed with its own commit's values, not with the ones known at the start.
 */
import type { ContainerRef, LogEvent } from './session';

export type Redact = (text: string) => string;

/**
 * The redactor for one commit: at once when it is known, a promise when it must be read
 * first (the CLI reads the commit from git). Rejects when the values cannot be known.
 */
export type RedactorFor = (revision: string) => Redact | Promise<Redact>;

export interface Scrubber {
  /** Give every event of the session here. */
  readonly onEvent: (e: LogEvent) => void;
  /** Settles once every event given so far has been passed on (or withheld). */
  drained(): Promise<void>;
}

/**
 * Events pass on in the order they came. A line whose commit is still being read holds back
 * the events after it until it is, so the order is kept; a line whose commit cannot be read
 * is withheld (fail closed), and `onWithheld` is told once per pod.
 */
export function scrubbed(
  redactFor: RedactorFor,
  onEvent: (e: LogEvent) => void,
  onWithheld: (ref: ContainerRef, err: unknown) => void = () => undefined,
): Scrubber {
  const known = new Map<string, Redact>();
  const unknowable = new Map<string, unknown>();
  const toldOf = new Set<string>();
  const held: LogEvent[] = [];
  /** Set while a commit is read: settles after the events it held back have passed on. */
  let reading: Promise<void> | undefined;

  const pass = (e: LogEvent, redact?: Redact): void => onEvent(e.type === 'line' && redact ? { ...e, line: { ...e.line, text: redact(e.line.text) } } : e);
  const withhold = (e: LogEvent & { revision: string }): void => {
    if (toldOf.has(e.pod)) return;
    toldOf.add(e.pod);
    onWithheld(e, unknowable.get(e.revision));
  };
  const learn = (revision: string): void => {
    try {
      const got = redactFor(revision);
      if (typeof got === 'function') return void known.set(revision, got);
      reading = got
        .then(
          (r) => void known.set(revision, r),
          (err: unknown) => void unknowable.set(revision, err),
        )
        .then(() => {
          reading = undefined;
          drain();
        });
    } catch (err) {
      unknowable.set(revision, err);
    }
  };
  /** Passes on what it can, in order, until a line waits for its commit to be read. */
  const drain = (): void => {
    while (held.length > 0 && !reading) {
      const e = held[0]!;
      if (e.type === 'line' && !known.has(e.revision) && !unknowable.has(e.revision)) {
        learn(e.revision);
        continue;
      }
      held.shift();
      if (e.type !== 'line') pass(e);
      else if (known.has(e.revision)) pass(e, known.get(e.revision));
      else withhold(e);
    }
  };

  return {
    onEvent: (e) => {
      held.push(e);
      drain();
    },
    drained: async () => {
      while (reading) await reading;
    },
  };
}
