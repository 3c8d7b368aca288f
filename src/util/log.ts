/**
 * Structured logs (pino: JSON lines, cheap, the de-facto standard for Node services).
 * Each pass of the loop gets a child logger with a correlation id. Nothing berth logs
 * carries a Secret value: actions are summarised by name, and errors quoting app output
 * go through the rollout's secret redactor first.
 */
import pino from 'pino';
import type PinoPretty from 'pino-pretty';

export type Logger = pino.Logger;

/** `json`: one JSON object per line (for machines); `pretty`: `13:43:39 INFO: message key=value` (pino-pretty). */
export type LogFormat = 'json' | 'pretty';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Pretty for a person at a terminal, JSON for anything else (a pipe, a file, a log collector). */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}

export function createLogger(opts: { level?: string; instance: string; destination?: NodeJS.WritableStream; format?: LogFormat }): Logger {
  const options = { level: opts.level ?? process.env.BERTH_LOG_LEVEL ?? 'info', base: { instance: opts.instance }, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.format === 'pretty') {
    // Synchronous, in this thread: no worker, and nothing lost when berth exits.
    const colorize = !opts.destination && process.stderr.isTTY === true;
    // Loaded only for this format: an operator logging JSON does not carry pino-pretty (~1 MB of heap).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose
    const pretty = require('pino-pretty') as typeof PinoPretty;
    return pino(
      options,
      pretty({ destination: opts.destination ?? 2, sync: true, colorize, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,instance', singleLine: true }),
    );
  }
  return pino(options, (opts.destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 2, sync: true }));
}

let passCounter = 0;

/** A short, unique-enough id for one pass, carried in every log line of that pass. */
export function correlationId(): string {
  passCounter = (passCounter + 1) % 1_000_000;
  return `${Date.now().toString(36)}-${passCounter.toString(36)}`;
}
