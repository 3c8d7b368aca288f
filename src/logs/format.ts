/** Log lines for people: merging several containers' lines, prefixes, timestamps. Pure. */
import type { LogLine } from '../runtime';

/** One line of one container of one pod: what the CLI prints and the API sends. */
export interface PodLogLine {
  pod: string;
  container: string;
  line: LogLine;
}

export interface LineFormat {
  /** Prefix each line with its pod (`[pod/NAME] `). */
  prefix: boolean;
  /** With the prefix, name the container too (`[pod/NAME/C] `): pods of several containers. */
  container: boolean;
  /** The engine's time before the text, as `kubectl logs --timestamps`. */
  timestamps: boolean;
}

export function formatLogLine(l: PodLogLine, f: LineFormat): string {
  const prefix = f.prefix ? `[pod/${l.pod}${f.container ? `/${l.container}` : ''}] ` : '';
  const time = f.timestamps ? `${l.line.time} ` : '';
  return `${prefix}${time}${l.line.text}`;
}

/**
 * The lines of several containers in time order. Each container's own order is kept, even
 * for lines of the same millisecond (a stable merge, not a sort of the whole); ties between
 * containers go to the one given first. A heap of each container's next line: O(n log k).
 */
export function mergeByTime(batches: readonly (readonly PodLogLine[])[]): PodLogLine[] {
  const at = batches.map(() => 0);
  const before = (a: number, b: number): boolean => {
    const x = batches[a][at[a]].line.time;
    const y = batches[b][at[b]].line.time;
    return x < y || (x === y && a < b);
  };
  const heap: number[] = [];
  const swap = (i: number, j: number): void => void ([heap[i], heap[j]] = [heap[j], heap[i]]);
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  batches.forEach((b, i) => b.length > 0 && heap.push(i));
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) down(i);
  const out: PodLogLine[] = [];
  while (heap.length > 0) {
    const b = heap[0];
    out.push(batches[b][at[b]++]);
    if (at[b] >= batches[b].length) {
      heap[0] = heap[heap.length - 1];
      heap.pop();
    }
    down(0);
  }
  return out;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** kubectl's `--since` durations: `30s`, `5m`, `1h30m`, `2h` (Go's time.ParseDuration units s, m, h). */
export function parseSince(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?[smh])+$/.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)([smh])/g)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]];
  return seconds;
}
