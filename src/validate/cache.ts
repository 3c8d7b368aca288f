/**
 * What validating a revision can keep for the next one: each file's parse (by path and
 * content, manifests/parseCache.ts) and each parsed document's schema verdict. A verdict
 * is kept on the document object itself (a WeakMap): a kept parse hands back the same
 * objects, so an unchanged file is neither parsed nor schema-checked again, and a verdict
 * goes with its document when the parse is dropped. The schemas are compiled once per
 * process (schema/compile.ts), so a verdict cannot go stale within one. The model's checks
 * across files (references, duplicates, selectors, ports) always run over every document.
 */
import { ParsedFileCache, type ManifestDoc } from '../manifests';
import type { Problem } from '../util';

export interface SchemaVerdict {
  /** The document as the model reads it (nulls as absent), or undefined when it is not built from. */
  valid: ManifestDoc | undefined;
  problems: readonly Problem[];
}

export interface ValidationCacheStats {
  parses: { hits: number; misses: number; entries: number };
  schemaChecks: { hits: number; misses: number };
}

export class ValidationCache {
  readonly files: ParsedFileCache;
  private readonly verdicts = new WeakMap<ManifestDoc, SchemaVerdict>();
  private hits = 0;
  private misses = 0;

  /** `maxFiles`: parses kept at most (the least recently used go first). */
  constructor(maxFiles?: number) {
    this.files = new ParsedFileCache(maxFiles);
  }

  verdict(doc: ManifestDoc, check: (doc: ManifestDoc) => SchemaVerdict): SchemaVerdict {
    const kept = this.verdicts.get(doc);
    if (kept) {
      this.hits++;
      return kept;
    }
    this.misses++;
    const found = check(doc);
    this.verdicts.set(doc, found);
    return found;
  }

  stats(): ValidationCacheStats {
    return { parses: this.files.stats(), schemaChecks: { hits: this.hits, misses: this.misses } };
  }
}
