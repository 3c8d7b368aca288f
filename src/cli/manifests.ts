/**
 * The preamble of every command that reads manifests (apply, diff, delete): the directory
 * must exist, every problem (and, when valid, every warning) goes to stderr as
 * FILE:LINE:COL, and invalid manifests stop the command with one error whose code the
 * command's exit codes decide: E_INVALID (exit 1) where 1 means "invalid or not ready"
 * (apply, delete), E_USAGE (exit 2) for diff, whose exit 1 means "there are changes".
 */
import type { DesiredState } from '../model';
import { BerthError, type ErrorCode } from '../util';
import { formatProblem } from '../util';
import { validateDirectory, type ValidateOptions } from '../validate';
import { requireDirectory } from './paths';

export async function validManifests(
  dir: string,
  policy: ValidateOptions,
  invalid: { code: Extract<ErrorCode, 'E_INVALID' | 'E_USAGE'>; then: string },
): Promise<DesiredState> {
  await requireDirectory(dir);
  const outcome = await validateDirectory(dir, policy);
  for (const p of outcome.ok ? outcome.warnings : outcome.problems) process.stderr.write(formatProblem(p) + '\n');
  if (!outcome.ok) throw new BerthError(invalid.code, `${dir}: manifests are not valid; ${invalid.then}`);
  return outcome.desired;
}
