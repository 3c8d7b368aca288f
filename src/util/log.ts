/**
 * Structured logs (pino: JSON lines, cheap, the de-facto standard for Node services).
 * Each pass of the loop gets a child logger with a correlation id. Nothing berth logs
 * carries a Secret value: actions are summarised by name, and errors quoting app output
 * go through the rollout's secret redactor first.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(opts: { level?: string; instance: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { level: opts.level ?? process.env.BERTH_LOG_LEVEL ?? 'info', base: { instance: opts.instance }, timestamp: pino.stdTimeFunctions.isoTime },
    (opts.destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 2, sync: true }),
  );
}

let passCounter = 0;

/** A short, unique-enough id for one pass, carried in every log line of that pass. */
export function correlationId(): string {
  passCounter = (passCounter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${passCounter.toString(36)}`;
}
