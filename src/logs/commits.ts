/**
 * The Secret values of the commit a pod was applied from (its `io.berth.revision`), read
 * from git once per commit and kept: a commit's values never change. Both `berth logs` and
 * the operator's log API scrub with these, so a pod of a newer rollout (a rotated value)
 * is scrubbed with its own commit's values.
 */
import { HistorySource, desiredAt } from '../history';
import { secretRedactor } from '../secrets';
import { messageOf, shortSha } from '../util';
import type { ValidateOptions } from '../validate';
import type { Redact, RedactorFor } from './scrub';

const COMMIT_RE = /^[0-9a-f]{40,64}$/;

export interface CommitRedactorOptions {
  open: () => Promise<HistorySource>;
  policy: ValidateOptions;
  /** The error a commit that cannot be read becomes (what the reader is told). */
  cannot: (why: string) => Error;
  /** Commits kept; the oldest read is dropped first. */
  keep?: number;
}

export function commitRedactors(opts: CommitRedactorOptions): RedactorFor {
  const keep = opts.keep ?? 16;
  const known = new Map<string, Redact>();
  const reading = new Map<string, Promise<Redact>>();
  let source: Promise<HistorySource> | undefined;
  const read = async (revision: string): Promise<Redact> => {
    source ??= opts.open().catch((err: unknown) => {
      source = undefined;
      throw opts.cannot(messageOf(err));
    });
    const s = await source;
    const sha = COMMIT_RE.test(revision) ? await s.resolveCommit(revision) : undefined;
    if (!sha) throw opts.cannot(`the pods carry revision ${shortSha(revision) || '(none)'}, no commit of ${s.describe()}`);
    const desired = await desiredAt(s, sha, opts.policy).catch((err: unknown) => Promise.reject(opts.cannot(messageOf(err))));
    return secretRedactor(desired);
  };
  return (revision) => {
    const have = known.get(revision);
    if (have) return have;
    const pending =
      reading.get(revision) ??
      read(revision).then(
        (redact) => {
          reading.delete(revision);
          known.set(revision, redact);
          if (known.size > keep) known.delete(known.keys().next().value!);
          return redact;
        },
        (err: unknown) => {
          reading.delete(revision);
          throw err;
        },
      );
    reading.set(revision, pending);
    return pending;
  };
}
