/**
 * Consuming the engine's HTTP response streams (plain Node streams, no dockerode):
 * reading a body whole, collecting demultiplexed exec output under a cap.
 */
import { CappedText, Demuxer } from './streams';

type Readable = NodeJS.ReadableStream & { destroy?: (err?: Error) => void };

/** Destroy a stream whatever its flavour (IncomingMessage, socket, duplex). */
export function destroyStream(s: NodeJS.ReadableStream | undefined): void {
  const d = s as Readable | undefined;
  if (d && typeof d.destroy === 'function') d.destroy();
}

/** The whole body of a finite stream. */
export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Demultiplexes stdout+stderr until the stream ends, keeping at most `limit` bytes (the
 * rest is counted, not stored). Aborting the signal destroys the stream and rejects.
 */
export function collectDemuxed(stream: NodeJS.ReadableStream, limit: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = new CappedText(limit);
    const demux = new Demuxer((_kind, data) => out.append(data));
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(out.text());
    };
    const onAbort = (): void => {
      destroyStream(stream);
      finish(new Error('aborted'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    stream.on('data', (c: Buffer | string) => demux.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
    stream.on('error', (err: Error) => finish(err));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
  });
}
