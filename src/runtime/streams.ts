/**
 * Byte-level helpers for the Docker engine's streams. Pure: no engine, no dockerode.
 *
 * - Docker multiplexes stdout and stderr of non-tty containers (logs, exec) into frames:
 *   an 8-byte header `[stream, 0, 0, 0, size(uint32 BE)]` followed by `size` bytes.
 *   Frames may be split across chunks, headers included.
 * - The events and pull endpoints send JSON objects separated by newlines; a chunk can end
 *   in the middle of a line.
 */

export type StreamKind = 'stdin' | 'stdout' | 'stderr';

const HEADER = 8;
const KINDS: Record<number, StreamKind> = { 0: 'stdin', 1: 'stdout', 2: 'stderr' };

/** Incremental demultiplexer: push chunks as they arrive, receive whole payload pieces. */
export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);
  private raw = false;

  constructor(private readonly onData: (kind: StreamKind, data: Buffer) => void) {}

  push(chunk: Buffer): void {
    if (this.raw) {
      this.onData('stdout', chunk);
      return;
    }
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.drain();
  }

  /** Bytes that arrived after the last complete frame (a truncated stream). */
  get leftover(): number {
    return this.pending.length;
  }

  private drain(): void {
    while (this.pending.length >= HEADER) {
      const kind = KINDS[this.pending[0]];
      const framed = kind !== undefined && this.pending[1] === 0 && this.pending[2] === 0 && this.pending[3] === 0;
      if (!framed) {
        // Not a multiplexed stream (a tty container): pass everything through untouched.
        this.raw = true;
        this.onData('stdout', this.pending);
        this.pending = Buffer.alloc(0);
        return;
      }
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) return;
      this.onData(kind, this.pending.subarray(HEADER, HEADER + size));
      this.pending = this.pending.subarray(HEADER + size);
    }
  }
}

/** Demultiplex a complete buffer; stdout and stderr stay interleaved in arrival order. */
export function demuxBuffer(buf: Buffer): string {
  const out = new CappedText(Number.MAX_SAFE_INTEGER);
  const d = new Demuxer((_kind, data) => out.append(data));
  d.push(buf);
  return out.text();
}

/** Accumulates bytes up to a limit, remembering whether anything was dropped. */
export class CappedText {
  private readonly parts: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  append(data: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.dropped += data.length;
      return;
    }
    const kept = data.length <= room ? data : data.subarray(0, room);
    this.parts.push(kept);
    this.size += kept.length;
    this.dropped += data.length - kept.length;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    const s = Buffer.concat(this.parts).toString('utf8');
    return this.truncated ? `${s}\n[... ${this.dropped} more bytes truncated]` : s;
  }
}

/**
 * Splits a byte stream into JSON values, one per line. Chunks may split a line (or a
 * multi-byte character); the tail is kept until its newline arrives. A line that is not
 * JSON goes to `onBadLine` instead of throwing inside a stream handler.
 */
export class JsonLines {
  private tail = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    private readonly onValue: (v: unknown) => void,
    private readonly onBadLine: (line: string, err: Error) => void = () => undefined,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = (this.tail + text).split('\n');
    this.tail = lines.pop() ?? '';
    for (const line of lines) this.parse(line);
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    const rest = this.tail + this.decoder.decode();
    this.tail = '';
    this.parse(rest);
  }

  private parse(line: string): void {
    const trimmed = line.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      this.onBadLine(trimmed, err as Error);
      return;
    }
    this.onValue(value);
  }
}
