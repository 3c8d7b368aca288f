/** Small builders for the revisions unit tests: commits, walks, observed pods, views. */
import type { PodView } from '../../../src/health/workload';
import type { ObservedPod } from '../../../src/observe/types';
import type { ContainerSummary } from '../../../src/runtime/types';
import type { CommitInfo, CommitTemplates } from '../../../src/history/types';

export const KEY = 'Deployment/default/web';

/** A 40-hex sha made from a short tag: sha('a1') = 'a1a1a1...'. */
export function sha(tag: string): string {
  return tag.repeat(Math.ceil(40 / tag.length)).slice(0, 40);
}

export function commit(tag: string, subject = `commit ${tag}`): CommitInfo {
  return { sha: sha(tag), author: 'Alice', date: '2024-05-01T12:00:00Z', subject };
}

/**
 * A walk, newest first, from a compact spec: 'a1:H1' declares web with template H1,
 * 'a1:-' declares nothing of web, 'a1:!' does not validate.
 */
export function walk(...specs: string[]): CommitTemplates[] {
  return specs.map((s): CommitTemplates => {
    const [tag, what] = s.split(':') as [string, string];
    if (what === '!') return { type: 'invalid', commit: commit(tag), reason: 'x.yaml:1:1: bad' };
    const workloads: Record<string, string> = what === '-' ? {} : { [KEY]: what, 'Deployment/default/other': 'O1' };
    return { type: 'valid', commit: commit(tag), workloads };
  });
}

export function container(name: string, opts: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: `id-${name}`,
    name,
    image: 'img',
    labels: { 'io.berth.container': 'web' },
    state: 'running',
    status: 'Up',
    createdAt: 1000,
    networks: {},
    ...opts,
  };
}

export function pod(
  name: string,
  hash: string,
  revision: string,
  opts: { createdAt?: number; state?: ContainerSummary['state']; owner?: string; kind?: string; namespace?: string } = {},
): ObservedPod {
  return {
    namespace: opts.namespace ?? 'default',
    name,
    kind: opts.kind ?? 'Deployment',
    owner: opts.owner ?? 'web',
    specHash: hash,
    revision,
    containers: [container(name, { createdAt: opts.createdAt ?? 1000, state: opts.state ?? 'running' })],
  };
}

export function view(name: string, hash: string, ready: boolean, readySince?: number): PodView {
  return { ownerKey: KEY, namespace: 'default', name, specHash: hash, running: true, ready, ...(readySince !== undefined ? { readySince } : {}), restarts: 0 };
}
