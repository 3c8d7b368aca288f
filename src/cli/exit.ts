import { BerthError, type ErrorCode } from '../util';

/** Exit codes, decided here and nowhere else. */
export const EXIT = { ok: 0, failed: 1, error: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Errors that describe the input or the outcome (1) versus the tool's use or environment (2). */
const OUTCOME_CODES: ReadonlySet<ErrorCode> = new Set(['E_INVALID', 'E_NOT_READY']);

export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof BerthError && OUTCOME_CODES.has(err.code)) return EXIT.failed;
  return EXIT.error;
}

/**
 * The read verbs shaped after kubectl (get, describe, logs) follow its convention: any error
 * is 1 (a missing object, an engine that does not answer), but a usage error stays 2, as in
 * every berth command.
 */
export function kubectlExitCodeFor(err: unknown): ExitCode {
  return err instanceof BerthError && err.code === 'E_USAGE' ? EXIT.error : EXIT.failed;
}

/** kubectl's words for a missing object: `Error from server (NotFound): pods "web-0" not found`. */
export function describeKubectlError(err: unknown): string {
  if (err instanceof BerthError && err.code === 'E_NOT_FOUND' && process.env.BERTH_DEBUG !== '1') return `Error from server (NotFound): ${err.message}`;
  return describeError(err);
}

/** One line (plus a hint line) for a person; a stack trace only with BERTH_DEBUG=1. */
export function describeError(err: unknown): string {
  if (process.env.BERTH_DEBUG === '1' && err instanceof Error && err.stack) return err.stack;
  if (err instanceof BerthError) return `berth: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}`;
  if (err instanceof Error) return `berth: ${err.message}`;
  return `berth: ${String(err)}`;
}
