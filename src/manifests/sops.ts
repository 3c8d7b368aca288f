/**
 * A manifests file encrypted with sops: composed, opened in memory with the identities the
 * caller passed in (the loader reads no key), then read like any other file. Where opening
 * fails, the file contributes its problem and no document.
 */
import { openSopsDocuments, type SopsMode } from '../secrets';
import { hasErrors } from '../util';
import { composeDocuments, readComposedDocuments, type ParseLimits, type ParsedFile } from './parse';

/** sops writes its metadata as a top-level `sops:` key, in every document. */
export function looksLikeSops(text: string): boolean {
  return /^sops:[ \t]*(#.*)?$/m.test(text);
}

/** No mode given: a sops file cannot be decrypted, and says so (the commit is rejected). */
const NO_IDENTITY: SopsMode = { kind: 'decrypt', keyring: { identities: [], recipients: [] } };

export async function parseSopsText(file: string, text: string, limits: ParseLimits, mode: SopsMode = NO_IDENTITY): Promise<ParsedFile> {
  const composed = composeDocuments(file, text);
  if (!composed.ok) return { docs: [], problems: [composed.problem], limitReached: false };
  const syntaxOk = composed.docs.every((d) => d.errors.length === 0);
  const opened = syntaxOk ? await openSopsDocuments(file, composed.docs, composed.lines, mode) : [];
  if (hasErrors(opened)) return { docs: [], problems: opened, limitReached: false };
  const parsed = readComposedDocuments(file, composed.docs, composed.lines, limits);
  return { ...parsed, problems: [...opened, ...parsed.problems] };
}
