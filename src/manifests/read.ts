/**
 * Reading one manifest file: one open, one size check, one read, strict UTF-8.
 */
import { constants, promises as fs } from 'node:fs';
import { messageOf } from '../util';
import type { Problem } from '../util';
import { FILE_START, fileProblem } from '../util';

export type ReadOutcome = { ok: true; text: string } | { ok: false; problem: Problem };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Read `real` (shown as `rel`), refusing files over `maxBytes` before reading them. */
export async function readManifestFile(rel: string, real: string, maxBytes: number): Promise<ReadOutcome> {
  const fail = (code: string, message: string): ReadOutcome => ({ ok: false, problem: fileProblem(rel, FILE_START, code, message) });
  let handle: fs.FileHandle | undefined;
  try {
    // O_NONBLOCK: opening a FIFO that replaced a file since discovery must not hang.
    handle = await fs.open(real, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return fail('load.not-a-file', 'not a regular file: not read');
    if (st.size > maxBytes) return fail('load.file-too-large', tooLarge(st.size, maxBytes));
    const bytes = await handle.readFile();
    if (bytes.length > maxBytes) return fail('load.file-too-large', tooLarge(bytes.length, maxBytes));
    return { ok: true, text: decoder.decode(bytes) };
  } catch (err) {
    if (err instanceof TypeError && (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      return fail('load.encoding', 'not valid UTF-8: manifests must be UTF-8 text');
    }
    return fail('load.read', `cannot read file: ${messageOf(err)}`);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function tooLarge(size: number, max: number): string {
  return `file is ${size} bytes, more than the limit of ${max} bytes (maxFileBytes): not read`;
}
