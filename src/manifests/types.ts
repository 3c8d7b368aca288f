import type { PathSegment, Position, Problem } from '../util';

export type { PathSegment, Position };

/**
 * One Kubernetes object read from a manifests file. `List` kinds are flattened, so each
 * item of a List is its own ManifestDoc (with `pathPrefix` ['items', i]).
 */
export interface ManifestDoc {
  /** Path relative to the root the user named, forward slashes. */
  file: string;
  /** Index of the YAML document within the file (0-based). */
  docIndex: number;
  /**
   * Where `body` sits inside its YAML document: [] for a whole document, ['items', i] for
   * an item of a flattened List (`locate` paths stay relative to `body` either way).
   */
  pathPrefix?: readonly PathSegment[];
  /** The plain JS value of the object (after alias expansion within limits). */
  body: Record<string, unknown>;
  /**
   * Where a field stands in the file. `path` is relative to `body`; a path that does not
   * exist resolves to its nearest existing ancestor. `at: 'key'` points at the key of a
   * mapping entry (the usual place for "unknown field"), `'value'` at its value.
   */
  locate(path: readonly PathSegment[], at?: 'key' | 'value'): Position;
}

export interface LoadLimits {
  /** Largest file read, in bytes. */
  maxFileBytes: number;
  /** Most YAML documents (after List flattening) across the whole repository. */
  maxDocuments: number;
  /** Most files read. */
  maxFiles: number;
  /** Most alias dereferences per document (the `yaml` package's maxAliasCount). */
  maxAliasCount: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  maxFileBytes: 1024 * 1024,
  maxDocuments: 5000,
  maxFiles: 2000,
  maxAliasCount: 100,
};

export interface LoadResult {
  docs: ManifestDoc[];
  /** Parse errors, limit violations, refused symlinks: all located. */
  problems: Problem[];
}
