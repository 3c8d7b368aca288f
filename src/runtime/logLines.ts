/**
 * Docker's log stream, line by line. Pure: no engine, no dockerode.
 *
 * Asked with `timestamps=1`, the engine starts every line with its RFC 3339 time (nanoseconds,
 * trailing zeros trimmed) and a space. The stream is multiplexed (streams.ts) unless the
 * container has a tty; chunks and frames may split a line, or a multi-byte character,
 * anywhere, so each stream keeps its own partial line and decoder.
 */
import { Demuxer, type StreamKind } from './streams';
import type { LogLine, LogOptions } from './types';

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** One raw line (`TIME text`) as a LogLine; a line without a readable time keeps `fallbackTime`. */
export function parseLogLine(stream: LogLine['stream'], raw: string, fallbackTime: string): LogLine {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const m = TIMESTAMP.exec(text);
  const ms = m ? Date.parse(m[1]) : NaN;
  if (!m || Number.isNaN(ms)) return { stream, time: fallbackTime, text };
  return { stream, time: new Date(ms).toISOString(), text: text.slice(m[0].length) };
}

/** Splits demultiplexed payloads into lines, per stream; `end()` flushes a last line without newline. */
export class LogLineSplitter {
  private readonly partial: Record<LogLine['stream'], string> = { stdout: '', stderr: '' };
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  private lastTime = new Date(0).toISOString();

  constructor(private readonly onLine: (line: LogLine) => void) {}

  push(kind: StreamKind, data: Buffer): void {
    const stream = kind === 'stderr' ? 'stderr' : 'stdout';
    const lines = (this.partial[stream] + this.decoders[stream].decode(data, { stream: true })).split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const raw of lines) this.emit(stream, raw);
  }

  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].decode();
      this.partial[stream] = '';
      if (rest !== '') this.emit(stream, rest);
    }
  }

  private emit(stream: LogLine['stream'], raw: string): void {
    const line = parseLogLine(stream, raw, this.lastTime);
    this.lastTime = line.time;
    this.onLine(line);
  }
}

/** A demultiplexer feeding a splitter: push the engine's raw bytes, receive lines. */
export function logLineParser(onLine: (line: LogLine) => void): { push(chunk: Buffer): void; end(): void } {
  const splitter = new LogLineSplitter(onLine);
  const demux = new Demuxer((kind, data) => splitter.push(kind, data));
  return { push: (chunk) => demux.push(chunk), end: () => splitter.end() };
}

/** The engine's query for a log stream: both streams, timestamps, and the options. */
export function logQuery(opts: LogOptions): Record<string, string | boolean> {
  const q: Record<string, string | boolean> = { stdout: true, stderr: true, timestamps: true, follow: opts.follow };
  q.tail = opts.tail !== undefined && opts.tail >= 0 ? String(opts.tail) : 'all';
  if (opts.sinceSeconds !== undefined) q.since = opts.sinceSeconds.toFixed(3);
  return q;
}
