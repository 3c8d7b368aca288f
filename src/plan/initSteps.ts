/**
 * Where a pod's init containers stand, and what to start next: pure, over the listed
 * containers alone (state and Docker's status line), so every pass can pick up where the
 * last one stopped. Kubelet's rules (pkg/kubelet/kuberuntime: findNextInitContainerToRun,
 * and computeInitContainerActions since native sidecars): the init containers are taken in
 * spec order; a regular one must exit 0 before the next starts; a sidecar (restartPolicy
 * Always) is started and then left running (kubelet also waits for its startupProbe, which
 * berth does not run); the app containers start once every regular init container succeeded.
 */
import { containerOf } from '../observe';
import type { ObservedPod } from '../observe';
import type { Container, PodSpec } from '../model';
import { LABEL, type ContainerSummary } from '../runtime';

export type InitBlock =
  /** Started this pass, or running: wait for it to exit. */
  | { type: 'running'; container: string }
  /** Exited non-zero; Docker restarts it (restartPolicy OnFailure/Always), with its own backoff. */
  | { type: 'restarting'; container: string; exitCode?: number }
  /** Exited non-zero in a restartPolicy Never pod: the pod has failed. */
  | { type: 'failed'; container: string; exitCode: number }
  /** Not on the engine: the pod is broken (pair.ts replaces it). */
  | { type: 'missing'; container: string };

export interface InitProgress {
  /** Init containers and sidecars to start now, in order. */
  start: ContainerSummary[];
  /** Why the app containers cannot start yet; absent: they may. */
  blocked?: InitBlock;
}

export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** The exit code in Docker's status line: "Exited (3) 2 seconds ago", "Restarting (3) ...". */
export function exitCodeOf(status: string): number | undefined {
  const m = /^(?:Exited|Restarting) \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

export function initProgress(spec: PodSpec, o: ObservedPod): InitProgress {
  const start: ContainerSummary[] = [];
  const byName = new Map((o.init ?? []).map((c) => [containerOf(c), c]));
  for (const want of spec.initContainers) {
    const c = byName.get(want.name);
    if (!c) return { start, blocked: { type: 'missing', container: want.name } };
    if (isSidecar(want)) {
      // Docker's restart policy `always` keeps a started sidecar up; one never started (or
      // stopped by hand) is started here.
      if (c.state === 'created' || c.state === 'exited') start.push(c);
      continue;
    }
    const blocked = regularBlock(c, want.name, spec.restartPolicy);
    if (!blocked) continue;
    if (c.state === 'created' || (c.state === 'exited' && blocked.type === 'restarting')) start.push(c);
    return { start, blocked };
  }
  return { start };
}

function regularBlock(c: ContainerSummary, name: string, policy: PodSpec['restartPolicy']): InitBlock | undefined {
  const code = exitCodeOf(c.status);
  switch (c.state) {
    case 'exited':
      if (code === 0) return undefined;
      if (policy === 'Never') return { type: 'failed', container: name, exitCode: code ?? -1 };
      return { type: 'restarting', container: name, ...(code !== undefined ? { exitCode: code } : {}) };
    case 'restarting':
      return { type: 'restarting', container: name, ...(code !== undefined ? { exitCode: code } : {}) };
    default:
      return { type: 'running', container: name };
  }
}

/** What a person reads about a blocked pod (the engine's last log lines are added by the caller). */
export function describeBlock(b: InitBlock): string {
  switch (b.type) {
    case 'running':
      return `init container ${b.container} running`;
    case 'restarting':
      return `init container ${b.container} failed${b.exitCode !== undefined ? ` with exit code ${b.exitCode}` : ''}, restarting`;
    case 'failed':
      return `init container ${b.container} failed with exit code ${b.exitCode}`;
    case 'missing':
      return `init container ${b.container} missing`;
  }
}

/**
 * The regular init container holding a pod back, from the engine's view alone (no spec: for
 * `berth get pods`): the one running, restarting or exited non-zero. Init containers run one
 * at a time, so there is at most one; those never started are later ones.
 */
export function initBlocker(o: ObservedPod): ContainerSummary | undefined {
  return (o.init ?? []).find((c) => c.labels[LABEL.init] === 'init' && c.state !== 'created' && !(c.state === 'exited' && exitCodeOf(c.status) === 0));
}
