/**
 * One catalogue of typed errors. Each module wraps lower-level failures once, at its
 * boundary, with context; `cli/` turns codes into exit codes in one place.
 */
export type ErrorCode =
  | 'E_USAGE' // bad flags or arguments
  | 'E_IO' // a file or directory could not be read or written
  | 'E_INVALID' // manifests failed validation (details in Problem[])
  | 'E_LIMIT' // a safety limit was hit (file size, document count, alias expansion)
  | 'E_ENGINE' // the Docker engine could not be reached or answered with an error
  | 'E_NOT_FOUND' // the engine has no such object (404)
  | 'E_CONFLICT' // the engine refused because of a conflict (409: name in use, port taken)
  | 'E_PULL' // an image could not be pulled
  | 'E_LOCKED' // another berth process drives this instance
  | 'E_GIT' // a git operation failed
  | 'E_TIMEOUT' // a wait passed its deadline
  | 'E_NOT_READY'; // workloads did not become ready

export class BerthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BerthError';
  }
}

export function isBerthError(err: unknown, code?: ErrorCode): err is BerthError {
  return err instanceof BerthError && (code === undefined || err.code === code);
}

/** Awaits `p`; a BerthError with `code` is an expected answer (a container already gone), anything else is thrown. */
export async function ignoring(code: ErrorCode, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isBerthError(err, code)) throw err;
  }
}

/** The message of anything thrown, without a stack trace. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
