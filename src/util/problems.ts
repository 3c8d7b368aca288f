/**
 * A problem found in a manifests repository: always located (file, line, column) and
 * always naming the field path, so a person can go straight to it.
 */
import { compareText } from './compare';

/** A note says what was done (a file skipped); it never makes a revision invalid. */
export type Severity = 'error' | 'warning' | 'note';

export interface Problem {
  severity: Severity;
  /** Path relative to the directory the user named, with forward slashes. */
  file: string;
  line: number;
  col: number;
  /** Field path like `spec.template.spec.containers[0].image`; '' for the whole document. */
  path: string;
  message: string;
  /** A stable, machine-readable reason, e.g. `schema.additionalProperties`, `ref.configmap`. */
  code: string;
}

/** `FILE:LINE:COL: [warning: ]path: message` — the one line format of every problem. */
export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  const sev = p.severity === 'error' ? '' : `${p.severity}: `;
  const field = p.path ? `${p.path}: ` : '';
  return `${where}: ${sev}${field}${p.message}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Order by file, then line, then column, so output is stable and reads top to bottom. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.path, b.path));
}

/** Render a field path from segments: ['spec','containers',0,'image'] -> spec.containers[0].image */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}
