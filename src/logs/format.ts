/** Log lines for people: merging several containers' lines, prefixes, timestamps. Pure. */
import type { LogLine } from '../runtime/types';

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
 * for lines of the same millisecond (a stable merge, not a sort of the whole).
 */
export function mergeByTime(batches: readonly (readonly PodLogLine[])[]): PodLogLine[] {
  const at = batches.map(() => 0);
  const out: PodLogLine[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < batches.length; i++) {
      const l = batches[i][at[i]];
      if (l && (best < 0 || l.line.time < batches[best][at[best]].line.time)) best = i;
    }
    if (best < 0) return out;
    out.push(batches[best][at[best]++]);
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** kubectl's `--since` durations: `30s`, `5m`, `1h30m`, `2h` (Go's time.ParseDuration units s, m, h). */
export function parseSince(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?[smh])+$/.test(text)) return undefined;
  let seconds = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)([smh])/g)) seconds += Number(m[1]) * UNIT_SECONDS[m[2]];
  return seconds;
}
