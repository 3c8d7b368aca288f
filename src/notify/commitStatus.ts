/**
 * `--commit-status github|gitea`: a commit status per revision outcome, as Flux's
 * notification-controller and Argo CD's notifications do. GitHub:
 * `POST {api}/repos/{owner}/{repo}/statuses/{sha}`; Gitea the same under `{api}/api/v1`
 * (its API is GitHub's shape); body `{state, description, context}`, token in
 * `Authorization: token ...`. applying -> pending, succeeded -> success, failed and
 * rejected -> failure, superseded -> error (it was never finished).
 */
import type { RevisionStatus } from '../audit';
import type { Delivery } from './queue';
import type { NotifySource, OutcomeEvent } from './types';
import { shortSha } from '../util';

export type Forge = 'github' | 'gitea';
export type StatusState = 'pending' | 'success' | 'failure' | 'error';

export interface CommitStatusConfig {
  forge: Forge;
  /** API root: `https://api.github.com`, or a Gitea server's URL. */
  api: string;
  owner: string;
  repo: string;
  token: string;
}

const STATE: Record<RevisionStatus, StatusState> = { applying: 'pending', succeeded: 'success', failed: 'failure', rejected: 'failure', superseded: 'error' };

export function statusUrl(c: CommitStatusConfig, sha: string): string {
  const root = c.api.replace(/\/+$/, '') + (c.forge === 'gitea' && !/\/api\/v1$/.test(c.api.replace(/\/+$/, '')) ? '/api/v1' : '');
  return `${root}/repos/${encodeURIComponent(c.owner)}/${encodeURIComponent(c.repo)}/statuses/${sha}`;
}

/** The status request for a revision outcome; other events set no status. */
export function statusDelivery(c: CommitStatusConfig, e: OutcomeEvent, src: NotifySource): { url: string; delivery: Delivery } | undefined {
  if (e.type !== 'revision') return undefined;
  const state = STATE[e.status];
  const what = e.status === 'failed' && e.rollbackTo ? `failed, rolled back to ${shortSha(e.rollbackTo)}` : e.status;
  const description = truncate(`berth: ${what}${e.reason ? `: ${e.reason}` : ''}`, 140);
  const body = JSON.stringify({ state, description, context: `berth/${src.instance}` });
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `token ${c.token}`, 'user-agent': 'berth' };
  return { url: statusUrl(c, e.revision.sha), delivery: { body, headers } };
}

/** owner/repo from a remote URL: https://host/owner/repo(.git), ssh://git@host/owner/repo, git@host:owner/repo.git. */
export function ownerRepoOf(remote: string): { owner: string; repo: string } | undefined {
  const scp = /^[\w.-]+@[\w.-]+:(?!\/)(.+)$/.exec(remote);
  let pathPart: string | undefined = scp?.[1];
  if (!pathPart && URL.canParse(remote)) {
    const u = new URL(remote);
    if (u.protocol !== 'file:') pathPart = u.pathname;
  }
  const m = pathPart ? /^\/?(?:.*\/)?([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(pathPart) : null;
  return m ? { owner: m[1]!, repo: m[2]! } : undefined;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
