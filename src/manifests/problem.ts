import type { Problem, Severity } from '../util/problems';
import type { Position } from './types';

/** The first line and column of a file: where whole-file problems point. */
export const FILE_START: Position = { line: 1, col: 1 };

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
