/**
 * A container's log stream behind berth's LogStream: opened asynchronously, parsed line by
 * line (logLines.ts), ended once. No dockerode: the adapter passes how to open it.
 */
import { destroyStream } from './engineStreams';
import { logLineParser } from './logLines';
import type { LogLine, LogStream } from './types';

export function openLogStream(open: () => Promise<NodeJS.ReadableStream>, onLine: (line: LogLine) => void, mapError: (err: unknown) => Error): LogStream {
  let closed = false;
  let stream: NodeJS.ReadableStream | undefined;
  const done = new Promise<void>((resolve, reject) => {
    const parser = logLineParser((l) => !closed && onLine(l));
    const finish = (err?: unknown): void => {
      if (closed || !stream) return resolve();
      parser.end();
      closed = true;
      if (err) reject(mapError(err));
      else resolve();
    };
    open().then(
      (s) => {
        if (closed) return resolve(destroyStream(s));
        stream = s;
        s.on('data', (c: Buffer | string) => parser.push(Buffer.isBuffer(c) ? c : Buffer.from(c)));
        s.on('error', (err: Error) => finish(err));
        s.on('end', () => finish());
        s.on('close', () => finish());
      },
      (err: unknown) => (closed ? resolve() : reject(mapError(err))),
    );
  });
  return {
    done,
    close: () => {
      closed = true;
      destroyStream(stream);
    },
  };
}
