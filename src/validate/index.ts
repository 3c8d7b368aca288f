/**
 * The first half of the pipeline in one call: files -> documents -> schema -> desired state.
 * Each stage returns problems instead of throwing, so a user sees every problem at once;
 * a later stage only sees what the earlier one accepted.
 */
import { loadManifestPaths, loadManifests } from '../manifests';
import type { LoadLimits, LoadResult, ManifestDoc } from '../manifests';
import type { SopsMode } from '../secrets';
import { validateDocuments } from '../schema';
import { buildDesiredState, type ModelOptions } from '../model';
import type { DesiredState } from '../model';
import { hasErrors, sortProblems, type Problem } from '../util';
import { capPerFile } from './cap';
import { ValidationCache, type SchemaVerdict } from './cache';

export { ValidationCache, type ValidationCacheStats } from './cache';

export interface ValidateOptions extends ModelOptions {
  limits?: Partial<LoadLimits>;
  /** How sops files are opened; without it a sops file is refused (no identity). */
  sops?: SopsMode;
  /** Kept from the revisions validated before: unchanged files are not parsed or schema-checked again (cache.ts). */
  cache?: ValidationCache;
}

export type ValidationOutcome =
  { ok: true; desired: DesiredState; warnings: Problem[]; documents: number } | { ok: false; problems: Problem[]; documents: number };

export const DEFAULT_VALIDATE_OPTIONS: ValidateOptions = { allowHostPath: [], allowPrivileged: false };

export async function validateDirectory(dir: string, opts: ValidateOptions = DEFAULT_VALIDATE_OPTIONS): Promise<ValidationOutcome> {
  return validateLoaded(await loadManifests(dir, opts.limits, { sops: opts.sops, cache: opts.cache?.files }), opts);
}

/** Files and directories together, as one set (references may cross them): `berth validate a.yaml b.yaml`. */
export async function validatePaths(paths: readonly string[], opts: ValidateOptions = DEFAULT_VALIDATE_OPTIONS): Promise<ValidationOutcome> {
  return validateLoaded(await loadManifestPaths(paths, opts.limits, { sops: opts.sops, cache: opts.cache?.files }), opts);
}

async function validateLoaded(loaded: LoadResult, opts: ValidateOptions): Promise<ValidationOutcome> {
  const checked = await checkSchemas(loaded.docs, opts.cache);
  const built = buildDesiredState(checked.valid, opts);
  // Model problems about documents that failed the schema would be noise: those documents
  // never reach the model, so every model problem is about an accepted document.
  const problems = capPerFile(sortProblems([...loaded.problems, ...checked.problems, ...built.problems]));
  const documents = loaded.docs.length;
  if (hasErrors(problems)) return { ok: false, problems, documents };
  return { ok: true, desired: built.desired, warnings: problems, documents };
}

/** Documents schema-checked at a time before the event loop is served again. */
const SCHEMA_SLICE = 50;

/**
 * The schema checks in slices: in the operator, validating a commit of 500 files is one
 * long stretch of CPU otherwise, and the API (status, dashboard) would wait for all of it.
 * Only the documents checked (not those whose verdict was kept) count toward a slice.
 */
async function checkSchemas(docs: readonly ManifestDoc[], cache: ValidationCache | undefined): Promise<{ valid: ManifestDoc[]; problems: Problem[] }> {
  const valid: ManifestDoc[] = [];
  const problems: Problem[] = [];
  let checked = 0;
  const check = (doc: ManifestDoc): SchemaVerdict => {
    checked++;
    const found = validateDocuments([doc]);
    return { valid: found.valid[0], problems: found.problems };
  };
  for (const doc of docs) {
    const verdict = cache ? cache.verdict(doc, check) : check(doc);
    if (verdict.valid) valid.push(verdict.valid);
    problems.push(...verdict.problems);
    if (checked >= SCHEMA_SLICE) {
      checked = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { valid, problems: sortProblems(problems) };
}
