/**
 * Parsed files kept between revisions, so a commit that changes one file of 500 parses one.
 * An entry is found by the file's path (its documents and problems name it) and the one
 * limit that shapes a parse (alias expansion), and is used only when a digest of the text
 * read now equals the digest of the text it was parsed from. One entry per path: a changed
 * file replaces its entry, so nothing piles up; the least recently used go past `max`.
 *
 * sops files are never kept: what they parse to depends on the identities, and their
 * decrypted values are held no longer than a revision needs them.
 */
import { createHash } from 'node:crypto';
import type { ParsedFile } from './parse';

export interface ParseCacheStats {
  hits: number;
  misses: number;
  entries: number;
}

interface Entry {
  digest: string;
  parsed: ParsedFile;
}

/** As many as the files one revision may have (DEFAULT_LIMITS.maxFiles). */
const DEFAULT_MAX_ENTRIES = 2000;

export class ParsedFileCache {
  private readonly entries = new Map<string, Entry>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly max = DEFAULT_MAX_ENTRIES) {}

  /**
   * The parse of `text` as `file`, if kept; `documentsLeft` is what the repository-wide
   * limit leaves this file: a file with more documents than that is parsed again, so that
   * it reports the limit.
   */
  get(file: string, text: string, maxAliasCount: number, documentsLeft: number): ParsedFile | undefined {
    const key = keyOf(file, maxAliasCount);
    const entry = this.entries.get(key);
    if (!entry || entry.digest !== digestOf(text) || entry.parsed.docs.length > documentsLeft) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key); // most recently used last
    this.entries.set(key, entry);
    return entry.parsed;
  }

  /** Keep a parse; one cut short by the document limit is not kept (it depends on the other files). */
  set(file: string, text: string, maxAliasCount: number, parsed: ParsedFile): void {
    if (parsed.limitReached) return;
    const key = keyOf(file, maxAliasCount);
    this.entries.delete(key);
    this.entries.set(key, { digest: digestOf(text), parsed });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }

  stats(): ParseCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }
}

function keyOf(file: string, maxAliasCount: number): string {
  return `${maxAliasCount}\0${file}`;
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
