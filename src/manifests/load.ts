/**
 * loadManifests: every `*.yaml` / `*.yml` under a directory -> ManifestDocs and located
 * Problems. The only I/O of `manifests/`: discovery and one read per file; parsing is pure.
 */
import { promises as fs } from 'node:fs';
import { BerthError, messageOf } from '../util/errors';
import type { Problem } from '../util/problems';
import { discoverFiles } from './discover';
import { parseManifestText } from './parse';
import { readManifestFile } from './read';
import { looksLikeSops, parseSopsText } from './sops';
import type { SopsMode } from '../secrets/sops/open';
import { DEFAULT_LIMITS, type LoadLimits, type LoadResult, type ManifestDoc } from './types';

export interface LoadOptions {
  /** How sops-encrypted files are opened: the operator's identities, or structure only. */
  sops?: SopsMode;
}

export async function loadManifests(root: string, limits: Partial<LoadLimits> = {}, opts: LoadOptions = {}): Promise<LoadResult> {
  const lim = checkLimits({ ...DEFAULT_LIMITS, ...limits });
  const realRoot = await resolveRoot(root);
  const found = await discoverFiles(realRoot, lim.maxFiles);
  const docs: ManifestDoc[] = [];
  const problems: Problem[] = [...found.problems];
  for (const file of found.files) {
    const read = await readManifestFile(file.rel, file.real, lim.maxFileBytes);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const parseLimits = { maxAliasCount: lim.maxAliasCount, documentsLeft: lim.maxDocuments - docs.length, maxDocuments: lim.maxDocuments };
    const parsed = looksLikeSops(read.text)
      ? await parseSopsText(file.rel, read.text, parseLimits, opts.sops)
      : parseManifestText(file.rel, read.text, parseLimits);
    docs.push(...parsed.docs);
    problems.push(...parsed.problems);
    if (parsed.limitReached) break;
  }
  return { docs, problems };
}

/** The real path of the root; a missing or unreadable root, or a file, is an E_IO error. */
async function resolveRoot(root: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(root);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : messageOf(err);
    throw new BerthError('E_IO', `cannot read manifests directory '${root}': ${reason}`, undefined, { cause: err });
  }
  const st = await fs.stat(real).catch((err: unknown) => {
    throw new BerthError('E_IO', `cannot read manifests directory '${root}': ${messageOf(err)}`, undefined, { cause: err });
  });
  if (!st.isDirectory()) {
    throw new BerthError('E_IO', `manifests path '${root}' is not a directory`, 'name the directory that holds the YAML files');
  }
  return real;
}

function checkLimits(lim: LoadLimits): LoadLimits {
  for (const [name, value] of Object.entries(lim)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new BerthError('E_USAGE', `load limit ${name} must be a whole number >= 0, got ${String(value)}`);
    }
  }
  return lim;
}
