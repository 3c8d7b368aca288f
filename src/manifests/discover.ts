/**
 * Finding the manifest files under a root: recursive, sorted by path, hidden entries and
 * node_modules skipped, symlinks followed only while they stay inside the root.
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { BerthError, messageOf } from '../util';
import type { Problem } from '../util';
import { compareText, FILE_START, fileProblem } from '../util';

export interface FoundFile {
  /** Path relative to the root, forward slashes. */
  rel: string;
  /** Real (symlink-free) absolute path to read. */
  real: string;
}

export interface Discovery {
  files: FoundFile[];
  problems: Problem[];
}

/** One classified directory entry, before sorting. */
type Entry =
  | { kind: 'dir'; name: string; real: string }
  | { kind: 'file'; name: string; real: string }
  | { kind: 'refused'; name: string; problem: (rel: string) => Problem };

interface WalkState {
  realRoot: string;
  maxFiles: number;
  files: FoundFile[];
  problems: Problem[];
  /** Real path -> the relative path it was first read as: each file or directory is read once. */
  seen: Map<string, string>;
  stopped: boolean;
}

export function isManifestName(name: string): boolean {
  return /\.ya?ml$/i.test(name);
}

function isSkipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

function isInside(realRoot: string, real: string): boolean {
  const rel = path.relative(realRoot, real);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function joinRel(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/**
 * Walk `realRoot` (already resolved with realpath). Stops after `maxFiles` manifest files,
 * with a Problem on the first file beyond the limit.
 */
export async function discoverFiles(realRoot: string, maxFiles: number): Promise<Discovery> {
  const state: WalkState = { realRoot, maxFiles, files: [], problems: [], seen: new Map([[realRoot, '.']]), stopped: false };
  await walkDir(state, realRoot, '');
  return { files: state.files, problems: state.problems };
}

async function walkDir(state: WalkState, realDir: string, relDir: string): Promise<void> {
  let dirents: Dirent[];
  try {
    dirents = await fs.readdir(realDir, { withFileTypes: true });
  } catch (err) {
    if (relDir === '') throw new BerthError('E_IO', `cannot read manifests directory '${realDir}': ${messageOf(err)}`, undefined, { cause: err });
    state.problems.push(fileProblem(relDir, FILE_START, 'load.read', `cannot read directory: ${messageOf(err)}`));
    return;
  }
  const classified = await Promise.all(dirents.filter((d) => !isSkipped(d.name)).map((d) => classify(state.realRoot, realDir, d)));
  const entries = classified.filter((e): e is Entry => e !== undefined);
  // A directory sorts as `name/`, so a depth-first walk yields paths in plain sorted order.
  const key = (e: Entry) => (e.kind === 'dir' ? `${e.name}/` : e.name);
  entries.sort((a, b) => compareText(key(a), key(b)));
  for (const entry of entries) {
    if (state.stopped) return;
    await visitEntry(state, entry, joinRel(relDir, entry.name));
  }
}

async function visitEntry(state: WalkState, entry: Entry, rel: string): Promise<void> {
  if (entry.kind === 'refused') {
    state.problems.push(entry.problem(rel));
    return;
  }
  const first = state.seen.get(entry.real);
  if (first !== undefined) {
    const what = entry.kind === 'dir' ? 'directory' : 'file';
    const message = `same ${what} as '${first}' (through a symlink): read once, as '${first}'`;
    state.problems.push(fileProblem(rel, FILE_START, 'load.symlink-duplicate', message, { severity: 'warning' }));
    return;
  }
  state.seen.set(entry.real, rel);
  if (entry.kind === 'dir') return walkDir(state, entry.real, rel);
  if (state.files.length >= state.maxFiles) {
    const message = `more than ${state.maxFiles} manifest files (limit maxFiles); this file and the rest are not read`;
    state.problems.push(fileProblem(rel, FILE_START, 'load.max-files', message));
    state.stopped = true;
    return;
  }
  state.files.push({ rel, real: entry.real });
}

/** What a directory entry is, following symlinks; undefined for entries that do not matter. */
async function classify(realRoot: string, realDir: string, d: Dirent): Promise<Entry | undefined> {
  const name = d.name;
  const full = path.join(realDir, name);
  if (d.isDirectory()) return { kind: 'dir', name, real: full };
  if (d.isFile()) return isManifestName(name) ? { kind: 'file', name, real: full } : undefined;
  if (d.isSymbolicLink()) return classifySymlink(realRoot, full, name);
  if (!isManifestName(name)) return undefined;
  return refused(name, 'load.not-a-file', 'not a regular file (a FIFO, socket or device?): not read');
}

async function classifySymlink(realRoot: string, full: string, name: string): Promise<Entry | undefined> {
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (err) {
    if (!isManifestName(name)) return undefined;
    return refused(name, 'load.read', `broken symlink: ${messageOf(err)}`);
  }
  let isDir: boolean;
  let isFile: boolean;
  try {
    const st = await fs.stat(real);
    isDir = st.isDirectory();
    isFile = st.isFile();
  } catch (err) {
    if (!isManifestName(name)) return undefined;
    return refused(name, 'load.read', `cannot read symlink target: ${messageOf(err)}`);
  }
  if (!isDir && !isManifestName(name)) return undefined;
  if (!isInside(realRoot, real)) {
    return refused(name, 'load.symlink-outside', `symlink to '${real}', outside the manifests directory: refused`);
  }
  if (isDir) return { kind: 'dir', name, real };
  if (isFile) return { kind: 'file', name, real };
  return refused(name, 'load.not-a-file', 'symlink to something that is not a regular file: not read');
}

function refused(name: string, code: string, message: string): Entry {
  return { kind: 'refused', name, problem: (rel) => fileProblem(rel, FILE_START, code, message) };
}
