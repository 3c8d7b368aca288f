/**
 * Walking the branch (I/O): for each commit that touches the manifests, the template hash
 * of every Deployment/StatefulSet it declares, by materialising the commit and validating it
 * exactly as the operator does. Commits with the same manifests tree (a revert restores an
 * older tree) are validated once. Bounded by `limit` commits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredState } from '../model';
import { resourceKey } from '../model';
import { formatProblem, shortSha } from '../util';
import { BerthError } from '../util';
import { validateDirectory, type ValidateOptions } from '../validate';
import type { HistorySource } from './source';
import type { CommitInfo, CommitTemplates } from './types';

const PARALLEL = 4;

export interface Walk {
  entries: CommitTemplates[];
  truncated: boolean;
}

type Declared = { ok: true; workloads: Record<string, string> } | { ok: false; reason: string };

/** A private scratch directory for materialised commits, removed when `fn` ends. */
export async function withScratch<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-rollout-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function walkTemplates(source: HistorySource, limit: number, policy: ValidateOptions): Promise<Walk> {
  const { commits, truncated } = await source.log(limit);
  return withScratch(async (scratch) => {
    const byTree = new Map<string, Promise<Declared>>();
    const declaredAt = async (c: CommitInfo): Promise<Declared> => {
      const tree = await source.treeOf(c.sha);
      if (tree === undefined) return { ok: true, workloads: {} }; // the folder does not exist: nothing declared
      let p = byTree.get(tree);
      if (!p) byTree.set(tree, (p = declare(source, c.sha, scratch, policy)));
      return p;
    };
    const entries = await mapLimit(commits, PARALLEL, async (c): Promise<CommitTemplates> => {
      const d = await declaredAt(c);
      return d.ok ? { type: 'valid', commit: c, workloads: d.workloads } : { type: 'invalid', commit: c, reason: d.reason };
    });
    return { entries, truncated };
  });
}

async function declare(source: HistorySource, sha: string, scratch: string, policy: ValidateOptions): Promise<Declared> {
  const v = await validated(source, sha, scratch, policy);
  if (!v.ok) return v;
  const workloads: Record<string, string> = {};
  for (const w of [...v.desired.deployments, ...v.desired.statefulSets]) workloads[resourceKey(w)] = w.templateHash;
  return { ok: true, workloads };
}

async function validated(
  source: HistorySource,
  sha: string,
  scratch: string,
  policy: ValidateOptions,
): Promise<{ ok: true; desired: DesiredState } | { ok: false; reason: string }> {
  const dir = await source.materialise(sha, scratch);
  try {
    const v = await validateDirectory(dir, policy);
    if (v.ok) return { ok: true, desired: v.desired };
    const errors = v.problems.filter((p) => p.severity === 'error');
    return { ok: false, reason: `${errors.length} validation error(s), first: ${errors[0] ? formatProblem(errors[0]) : '?'}` };
  } finally {
    await rm(join(scratch, sha), { recursive: true, force: true });
  }
}

/** The desired state of one commit, or E_INVALID saying why it has none. */
export async function desiredAt(source: HistorySource, sha: string, policy: ValidateOptions): Promise<DesiredState> {
  return withScratch(async (scratch) => {
    if ((await source.treeOf(sha)) === undefined) {
      throw new BerthError('E_INVALID', `commit ${shortSha(sha)} has no folder "${source.subPath}"`);
    }
    const v = await validated(source, sha, scratch, policy);
    if (!v.ok)
      throw new BerthError(
        'E_INVALID',
        `commit ${shortSha(sha)} does not validate: ${v.reason}`,
        'pass the policy flags the operator runs with (--allow-host-path, --allow-privileged)',
      );
    return v.desired;
  });
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
