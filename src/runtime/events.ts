/**
 * Following the engine's event stream: JSON lines (split anywhere by the transport),
 * opened asynchronously behind a synchronous Subscription.
 */
import { destroyStream } from './engineStreams';
import { JsonLines } from './streams';
import type { ApiEvent } from './mapping';
import type { Subscription } from './types';

/**
 * `since` (unix seconds) is one second before the call, so events that happen while the
 * stream is being opened are replayed rather than lost; consumers are level-triggered and
 * may see an event twice at the edge. The error callback fires at most once: when the stream
 * cannot be opened, fails, or ends while nobody closed it (engine restarted).
 */
export function subscribeEvents(
  open: (since: number) => Promise<NodeJS.ReadableStream>,
  onRaw: (e: ApiEvent) => void,
  onError: (err: unknown, what: string) => void,
): Subscription {
  let closed = false;
  let failed = false;
  let stream: NodeJS.ReadableStream | undefined;
  const fail = (err: unknown, what: string): void => {
    if (closed || failed) return;
    failed = true;
    destroyStream(stream);
    onError(err, what);
  };
  const since = Math.floor(Date.now() / 1000) - 1;
  open(since).then(
    (s) => {
      if (closed) return destroyStream(s);
      stream = s;
      const lines = new JsonLines(
        (v) => {
          if (!closed && v && typeof v === 'object') onRaw(v as ApiEvent);
        },
        (line) => fail(new Error(`unreadable event line: ${line.slice(0, 200)}`), 'engine event stream broke'),
      );
      s.on('data', (c: Buffer | string) => lines.push(c));
      s.on('error', (err: Error) => fail(err, 'engine event stream failed'));
      s.on('end', () => {
        lines.end();
        fail(new Error('the engine closed the event stream'), 'engine event stream ended');
      });
    },
    (err: unknown) => fail(err, 'cannot subscribe to engine events'),
  );
  return {
    close(): void {
      closed = true;
      destroyStream(stream);
    },
  };
}

/** Reads a finite event stream (`since` .. `until` now) whole: the events in it, oldest first. */
export function readPastEvents(stream: NodeJS.ReadableStream, onRaw: (e: ApiEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = new JsonLines(
      (v) => v && typeof v === 'object' && onRaw(v as ApiEvent),
      (line) => reject(new Error(`unreadable event line: ${line.slice(0, 200)}`)),
    );
    stream.on('data', (c: Buffer | string) => lines.push(c));
    stream.on('error', reject);
    stream.on('end', () => {
      lines.end();
      resolve();
    });
  });
}
