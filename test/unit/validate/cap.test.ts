/** At most 50 problems per file, then one line counting the rest (an error if an error is among them). */
import { strict as assert } from 'node:assert';
import { capPerFile, MAX_PER_FILE } from '../../../src/validate/cap';
import type { Problem, Severity } from '../../../src/util/problems';

const problem = (file: string, line: number, severity: Severity = 'error'): Problem => ({ severity, file, line, col: 1, path: 'x', message: 'bad', code: 'c' });

describe('validate: problems per file', () => {
  it(`keeps ${MAX_PER_FILE} of a file and counts the rest at the first left out`, () => {
    const many = Array.from({ length: 73 }, (_, i) => problem('a.yaml', i + 1));
    const out = capPerFile([...many, problem('b.yaml', 1)]);
    assert.equal(out.length, MAX_PER_FILE + 2);
    const more = out[MAX_PER_FILE];
    assert.deepEqual(
      [more.file, more.line, more.severity, more.message],
      ['a.yaml', 51, 'error', '23 more problem(s) in this file not shown (23 error(s)); fix the ones above first'],
    );
    assert.deepEqual(out[MAX_PER_FILE + 1], problem('b.yaml', 1), 'the next file is untouched');
  });

  it('leaves a file at the limit alone', () => {
    const exact = Array.from({ length: MAX_PER_FILE }, (_, i) => problem('a.yaml', i + 1));
    assert.deepEqual(capPerFile(exact), exact);
  });

  it('the count of warnings alone is a warning: it does not make the file invalid', () => {
    const out = capPerFile(
      Array.from({ length: 3 }, (_, i) => problem('a.yaml', i + 1, 'warning')),
      2,
    );
    assert.deepEqual(
      out.map((p) => p.severity),
      ['warning', 'warning', 'warning'],
    );
    assert.match(out[2].message, /^1 more problem\(s\) in this file not shown \(0 error\(s\)\)/);
  });
});
