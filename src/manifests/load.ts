/**
 * loadManifests: every `*.yaml` / `*.yml` under a directory (or the files named) ->
 * ManifestDocs and located Problems. The only I/O of `manifests/`: discovery and one read
 * per file; parsing is pure.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BerthError, messageOf } from '../util';
import type { Problem } from '../util';
import { discoverFiles, type FoundFile } from './discover';
import { parseManifestText, type ParsedFile, type ParseLimits } from './parse';
import { FILE_START, fileProblem } from '../util';
import { readManifestFile } from './read';
import { chartDirs, skipByName, skipByText } from './skip';
import { looksLikeSops, parseSopsText } from './sops';
import type { ParsedFileCache } from './parseCache';
import type { SopsMode } from '../secrets';
import { DEFAULT_LIMITS, type LoadLimits, type LoadResult, type ManifestDoc } from './types';

export interface LoadOptions {
  /** How sops-encrypted files are opened: the operator's identities, or structure only. */
  sops?: SopsMode;
  /** Parses kept from earlier loads: an unchanged file is not parsed again (parseCache.ts). */
  cache?: ParsedFileCache;
}

/** One directory: files are named relative to it. */
export async function loadManifests(root: string, limits: Partial<LoadLimits> = {}, opts: LoadOptions = {}): Promise<LoadResult> {
  const lim = checkLimits({ ...DEFAULT_LIMITS, ...limits });
  const real = await resolvePath(root);
  if (!real.isDir) {
    throw new BerthError('E_IO', `manifests path '${root}' is not a directory`, 'name the directory that holds the YAML files');
  }
  const found = await discoverFiles(real.path, lim.maxFiles);
  return readFiles(found.files, found.problems, lim, opts);
}

/**
 * Directories and files, several at once (what a pre-commit hook passes). A single
 * directory reads as loadManifests does; otherwise every file is named as given (a
 * directory's files below the directory as given), so names from two roots cannot clash.
 */
export async function loadManifestPaths(paths: readonly string[], limits: Partial<LoadLimits> = {}, opts: LoadOptions = {}): Promise<LoadResult> {
  if (paths.length === 1) {
    const only = await resolvePath(paths[0]);
    if (only.isDir) return loadManifests(paths[0], limits, opts);
  }
  const lim = checkLimits({ ...DEFAULT_LIMITS, ...limits });
  const files: FoundFile[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const real = await resolvePath(given);
    const shown = toPosix(path.normalize(given));
    const found = real.isDir
      ? await discoverFiles(real.path, Math.max(0, lim.maxFiles - files.length))
      : { files: [{ rel: '', real: real.path }], problems: [] };
    for (const f of found.files) {
      if (seen.has(f.real)) continue; // a file named twice (or inside a directory named too) is read once
      seen.add(f.real);
      files.push({ rel: f.rel ? joinShown(shown, f.rel) : shown, real: f.real });
    }
    problems.push(...found.problems.map((p) => ({ ...p, file: joinShown(shown, p.file) })));
  }
  return readFiles(files, problems, lim, opts);
}

async function readFiles(files: readonly FoundFile[], found: readonly Problem[], lim: LoadLimits, opts: LoadOptions): Promise<LoadResult> {
  const docs: ManifestDoc[] = [];
  const problems: Problem[] = [...found];
  const charts = chartDirs(files.map((f) => f.rel));
  const skipped = (rel: string, why: string) => problems.push(fileProblem(rel, FILE_START, 'load.skipped', why, { severity: 'note' }));
  for (const file of files) {
    const byName = skipByName(file.rel, charts);
    if (byName) {
      skipped(file.rel, byName);
      continue;
    }
    const read = await readManifestFile(file.rel, file.real, lim.maxFileBytes);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const byText = skipByText(read.text);
    if (byText) {
      skipped(file.rel, byText);
      continue;
    }
    const parseLimits = { maxAliasCount: lim.maxAliasCount, documentsLeft: lim.maxDocuments - docs.length, maxDocuments: lim.maxDocuments };
    const parsed = looksLikeSops(read.text)
      ? await parseSopsText(file.rel, read.text, parseLimits, opts.sops)
      : parsePlain(file.rel, read.text, parseLimits, opts.cache);
    docs.push(...parsed.docs);
    problems.push(...parsed.problems);
    if (parsed.limitReached) break;
  }
  return { docs, problems };
}

function parsePlain(file: string, text: string, limits: ParseLimits, cache: ParsedFileCache | undefined): ParsedFile {
  const kept = cache?.get(file, text, limits.maxAliasCount, limits.documentsLeft);
  if (kept) return kept;
  const parsed = parseManifestText(file, text, limits);
  cache?.set(file, text, limits.maxAliasCount, parsed);
  return parsed;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function joinShown(root: string, rel: string): string {
  if (rel === '' || rel === '.') return root;
  return root === '.' ? rel : `${root.replace(/\/$/, '')}/${rel}`;
}

/** The real path of a path the user named, and whether it is a directory; missing or unreadable is an E_IO error. */
async function resolvePath(given: string): Promise<{ path: string; isDir: boolean }> {
  let real: string;
  try {
    real = await fs.realpath(given);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : messageOf(err);
    throw new BerthError('E_IO', `cannot read manifests path '${given}': ${reason}`, undefined, { cause: err });
  }
  const st = await fs.stat(real).catch((err: unknown) => {
    throw new BerthError('E_IO', `cannot read manifests path '${given}': ${messageOf(err)}`, undefined, { cause: err });
  });
  if (!st.isDirectory() && !st.isFile()) throw new BerthError('E_IO', `manifests path '${given}' is neither a file nor a directory`);
  return { path: real, isDir: st.isDirectory() };
}

function checkLimits(lim: LoadLimits): LoadLimits {
  for (const [name, value] of Object.entries(lim)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new BerthError('E_USAGE', `load limit ${name} must be a whole number >= 0, got ${String(value)}`);
    }
  }
  return lim;
}
