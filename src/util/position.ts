/**
 * Where in a file something is: 1-based line and column, from a `yaml` node's offset, and a
 * located Problem. Here rather than in manifests/ because the SOPS reader needs them too,
 * and manifests/ reads SOPS files.
 */
import type { LineCounter, Node } from 'yaml';
import type { Problem, Severity } from './problems';

export type PathSegment = string | number;

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

/** The first line and column of a file: where whole-file problems point. */
export const FILE_START: Position = { line: 1, col: 1 };

/** Position of any node (1-based); the start of the file when the node carries no range. */
export function positionOf(lines: LineCounter, node: Node | null | undefined): Position {
  const offset = node?.range?.[0];
  if (offset === undefined) return { line: 1, col: 1 };
  return lines.linePos(offset);
}

/** A located Problem about a file or document; `path` is '' unless a field is meant. */
export function fileProblem(file: string, at: Position, code: string, message: string, opts: { severity?: Severity; path?: string } = {}): Problem {
  return {
    severity: opts.severity ?? 'error',
    file,
    line: at.line,
    col: at.col,
    path: opts.path ?? '',
    message,
    code,
  };
}
