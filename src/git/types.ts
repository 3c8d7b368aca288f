/** A commit as berth records it. `date` is the committer date, ISO 8601 with offset. */
export interface Revision {
  sha: string;
  /** First parent; absent for a root commit. */
  parent?: string;
  author: string;
  authorEmail: string;
  date: string;
  subject: string;
  body: string;
}

/**
 * The outcome of one fetch. Remote trouble is a value, never an exception: the caller
 * decides about retries and backoff.
 * - `advanced`: the branch moved forward; `previous` is undefined on the very first fetch
 *   into a fresh state directory.
 * - `force-pushed`: the new head does not contain the previous one.
 */
export type FetchResult =
  | { type: 'unchanged'; sha: string }
  | { type: 'advanced'; sha: string; previous: string | undefined }
  | { type: 'force-pushed'; sha: string; previous: string }
  | { type: 'branch-missing' }
  | { type: 'unreachable'; error: string };

/** Where the manifests come from, as understood after validation. */
export type RepoLocation =
  | {
      kind: 'local';
      /** What git is given: an absolute path or the original file:// URL. */
      url: string;
      /** The absolute path on this machine (watchable). */
      path: string;
    }
  | { kind: 'remote'; url: string; transport: 'ssh' | 'scp' | 'git' | 'http' | 'https' };

export type GitLog = (msg: string, fields?: object) => void;

/** Something that runs until closed: a watcher, a schedule. */
export interface Closer {
  close(): Promise<void>;
}
