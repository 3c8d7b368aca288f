/** Manifests written to a temporary directory and validated file by file, as `berth validate FILE...` does. */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validatePaths, type ValidationOutcome } from '../../../src/validate';
import { formatProblem, type Problem } from '../../../src/util/problems';

export async function withFiles<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-fidelity-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), text);
    }
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Validate one YAML text as `t.yaml`: the outcome, and every problem as `FILE:LINE:COL: ... [code]`. */
export async function validateText(yaml: string): Promise<{ outcome: ValidationOutcome; lines: string[] }> {
  return withFiles({ 't.yaml': yaml }, async (dir) => {
    const outcome = await validatePaths([dir]);
    const problems: Problem[] = outcome.ok ? outcome.warnings : outcome.problems;
    return { outcome, lines: problems.map((p) => `${formatProblem(p)} [${p.code}]`) };
  });
}
