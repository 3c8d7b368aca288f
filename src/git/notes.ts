import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { BerthError } from '../util';
import { GitCommandError, gitError, runGit } from './exec';
import { REMOTE, refSha } from './store';

/*
 * Outcomes recorded as git notes under refs/notes/berth in berth's clone. A note is the
 * latest full record for its commit (overwritten, not appended). Pushing merges with what
 * the remote already has (strategy `union`: concurrent writers both survive) and never
 * forces.
 */

export const NOTES_REF = 'refs/notes/berth';
/** Where the remote's notes are fetched before a merge (under refs/notes/, as notes merge wants). */
const REMOTE_NOTES_REF = 'refs/notes/berth-remote';
const PUSH_ATTEMPTS = 5;

export async function addNote(git: SimpleGit, scratchDir: string, sha: string, text: string): Promise<void> {
  if (text.trim() === '') throw new BerthError('E_USAGE', `note for ${sha} must not be empty`);
  // Through a file: a record can exceed the size of one command-line argument.
  const file = join(scratchDir, `note-${randomBytes(4).toString('hex')}.txt`);
  try {
    await writeFile(file, text);
    await runGit(git, ['notes', `--ref=${NOTES_REF}`, 'add', '--force', '--file', file, sha]);
  } catch (err) {
    throw gitError(`cannot write the berth note on ${sha}`, err);
  } finally {
    await rm(file, { force: true });
  }
}

export async function readNote(git: SimpleGit, sha: string): Promise<string | undefined> {
  try {
    const out = await runGit(git, ['notes', `--ref=${NOTES_REF}`, 'show', sha]);
    return out.replace(/\n$/, '');
  } catch (err) {
    if (err instanceof GitCommandError && /no note found/i.test(err.stderr)) return undefined;
    throw gitError(`cannot read the berth note on ${sha}`, err);
  }
}

/** Push refs/notes/berth to the remote, merging the remote's notes first when rejected. */
export async function pushNotes(git: SimpleGit, log: (msg: string, f?: object) => void): Promise<void> {
  if ((await refSha(git, NOTES_REF)) === undefined) return; // nothing written yet
  let lastError: unknown;
  for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
    try {
      await runGit(git, ['push', '--quiet', REMOTE, `${NOTES_REF}:${NOTES_REF}`]);
      return;
    } catch (err) {
      lastError = err;
      const merged = await mergeRemoteNotes(git);
      if (!merged) break; // the remote has no notes to merge: the push failed for another reason
      log('notes push rejected; merged the remote notes, retrying', { attempt });
    }
  }
  throw gitError(`cannot push ${NOTES_REF}`, lastError);
}

async function mergeRemoteNotes(git: SimpleGit): Promise<boolean> {
  try {
    await runGit(git, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', REMOTE, `+${NOTES_REF}:${REMOTE_NOTES_REF}`]);
  } catch {
    return false;
  }
  await runGit(git, ['notes', `--ref=${NOTES_REF}`, 'merge', '--quiet', '--strategy=union', REMOTE_NOTES_REF]);
  return true;
}
