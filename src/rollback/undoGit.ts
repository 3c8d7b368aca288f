/**
 * `berth rollout undo` while the operator runs (I/O composition): git stays the truth, so
 * the undo is a revert commit on the branch the operator follows; the operator then rolls
 * it out like any commit.
 *
 * 1. The branch as the remote has it now (fetched into berth's clone under
 *    refs/berth/rollout-head; the operator's tracking ref is not touched).
 * 2. The current template: that of the newest group (the branch head), not the engine's:
 *    git is what the operator converges to.
 * 3. The target: `--to-revision SHA` (must be among the commits walked), or the template
 *    before the current one (previousTemplate).
 * 4. One revert commit per commit that introduced a template since the target, newest
 *    first, each built on the remote's head and pushed without force by GitSource
 *    (src/git writeBack), message naming the workload, trailer `Berth-Undo-Of: <sha>`.
 * 5. The template of the last revert is checked; a revert that does not give back the
 *    target template (later commits changed the same lines) is reported, not hidden.
 */
import { GitSource } from '../git';
import { validateCommitId } from '../git';
import { BerthError, messageOf, shortSha } from '../util';
import type { ValidateOptions } from '../validate';
import { loadHistory } from '../history';
import type { JournalView } from '../history';
import { findWorkload } from '../history';
import { describeId } from '../history';
import type { HistorySource } from '../history';
import { commitsToRevert, groupOfCommit, previousTemplate } from '../history';
import type { CommitInfo, WorkloadId } from '../history';
import type { UndoRequest } from './undoEngine';
import { desiredAt } from '../history';

export interface GitUndoDeps {
  stateDir: string;
  source: HistorySource;
  policy: ValidateOptions;
  limit: number;
  journal: JournalView;
  log(line: string): void;
}

export type GitUndoResult =
  | { type: 'nothing'; message: string }
  | { type: 'pushed'; id: WorkloadId; from: string; to: string; reverts: { of: CommitInfo; sha: string }[]; warning?: string };

export async function undoInGit(deps: GitUndoDeps, req: Omit<UndoRequest, 'force'>): Promise<GitUndoResult> {
  const latest = await deps.source.latest().catch((err: unknown) => {
    throw new BerthError(
      'E_GIT',
      messageOf(err),
      `the operator's remote cannot be reached from here: revert the commit by hand (git revert SHA && git push on ${deps.source.branch})`,
    );
  });
  const { history } = await loadHistory(latest, req.ref, { limit: deps.limit, policy: deps.policy, journal: deps.journal });
  const { id, groups } = history;
  const current = groups[0];
  if (!current?.hash) throw new BerthError('E_NOT_FOUND', `${describeId(id)} is not declared at the head of ${latest.describe()}; nothing to undo`);
  const to = await targetIndex(deps, latest, history.groups, req.toRevision);
  const target = groups[to]!;
  if (target.hash === current.hash)
    return { type: 'nothing', message: `${describeId(id)} has template ${current.hash} at the head of ${latest.describe()} already` };
  const commits = commitsToRevert(groups, 0, to);
  deps.log(
    `${describeId(id)}: template ${current.hash} -> ${target.hash}; reverting ${commits.map((c) => shortSha(c.sha)).join(', ')} on ${latest.describe()}`,
  );
  const git = await GitSource.open({ repo: latest.remoteUrl!, branch: latest.branch, path: latest.subPath || undefined, stateDir: deps.stateDir });
  const reverts: { of: CommitInfo; sha: string }[] = [];
  for (const c of commits) {
    const message = `Revert "${c.subject}"\n\nberth rollout undo ${id.kind} ${id.namespace}/${id.name}: template ${current.hash} back to ${target.hash}.\nThis reverts commit ${c.sha}.`;
    try {
      reverts.push({ of: c, sha: (await git.revertAndPush(c.sha, message, { 'Berth-Undo-Of': c.sha })).sha });
    } catch (err) {
      const done = reverts.length ? ` (already pushed: ${reverts.map((r) => `${shortSha(r.sha)} reverting ${shortSha(r.of.sha)}`).join(', ')})` : '';
      const left = commits
        .slice(reverts.length)
        .map((x) => x.sha)
        .join(' ');
      throw new BerthError('E_GIT', `${messageOf(err)}${done}`, `revert by hand and push: git revert ${left} && git push origin HEAD:${latest.branch}`, {
        cause: err,
      });
    }
    deps.log(`pushed ${shortSha(reverts[reverts.length - 1]!.sha)}: revert of ${shortSha(c.sha)} (${c.subject})`);
  }
  const warning = await checkResult(deps, latest, id, reverts[reverts.length - 1]!.sha, target.hash!);
  return { type: 'pushed', id, from: current.hash, to: target.hash!, reverts, ...(warning ? { warning } : {}) };
}

async function targetIndex(deps: GitUndoDeps, source: HistorySource, groups: Parameters<typeof previousTemplate>[0], toRevision?: string): Promise<number> {
  if (toRevision !== undefined) {
    const sha = await source.resolveCommit(validateCommitId(toRevision));
    if (!sha) throw new BerthError('E_NOT_FOUND', `commit ${toRevision} is not in ${source.describe()}`);
    const i = groupOfCommit(groups, sha);
    if (i === undefined)
      throw new BerthError('E_NOT_FOUND', `commit ${shortSha(sha)} is not among the last ${deps.limit} commits that touch the manifests`, 'raise --limit');
    if (groups[i]!.hash === undefined) throw new BerthError('E_INVALID', `the workload is not declared in commit ${shortSha(sha)}`);
    return i;
  }
  const t = previousTemplate(groups, 0);
  if (t.type === 'none') throw new BerthError('E_NOT_FOUND', t.reason, 'raise --limit, or name the target with --to-revision SHA');
  return t.index;
}

async function checkResult(deps: GitUndoDeps, source: HistorySource, id: WorkloadId, sha: string, want: string): Promise<string | undefined> {
  try {
    const got = findWorkload(await desiredAt(source, sha, deps.policy), id)?.templateHash;
    return got === want
      ? undefined
      : `after the revert, ${describeId(id)} has template ${got ?? '(none)'}, not ${want}: later commits changed it too; check the commit`;
  } catch (err) {
    return `the revert ${shortSha(sha)} does not validate: ${messageOf(err)}`;
  }
}
