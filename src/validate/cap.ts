/**
 * At most MAX_PER_FILE problems of one file are shown, then one line counting the rest: a
 * file with a systematic mistake (a wrong indent under a long list) must not bury every
 * other file's problems.
 */
import type { Problem } from '../util';

export const MAX_PER_FILE = 50;

/** `problems` sorted by file; keeps each file's first MAX_PER_FILE and says how many more. */
export function capPerFile(problems: readonly Problem[], max = MAX_PER_FILE): Problem[] {
  const out: Problem[] = [];
  let i = 0;
  while (i < problems.length) {
    let j = i;
    while (j < problems.length && problems[j].file === problems[i].file) j++;
    const group = problems.slice(i, j);
    out.push(...group.slice(0, max));
    const rest = group.slice(max);
    if (rest.length > 0) out.push(moreProblem(rest));
    i = j;
  }
  return out;
}

function moreProblem(rest: readonly Problem[]): Problem {
  const errors = rest.filter((p) => p.severity === 'error').length;
  const first = rest[0];
  return {
    // an error when an error is among those left out, so the outcome does not change
    severity: errors > 0 ? 'error' : first.severity,
    file: first.file,
    line: first.line,
    col: first.col,
    path: '',
    message: `${rest.length} more problem(s) in this file not shown (${errors} error(s)); fix the ones above first`,
    code: 'validate.more-problems',
  };
}
