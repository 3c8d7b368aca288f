/**
 * The host side of Service anchors (src/services/anchorPlan.ts): whether berth's proxy can bind in an
 * anchor's network namespace here, and which namespace an anchor has.
 *
 * Entering a container's network namespace (`nsenter --net`) needs root and the engine on
 * this host. Without them berth falls back to Kubernetes-less behaviour: ClusterIP names as
 * aliases on the selected pods (every running pod, the Service's own ports). BERTH_SERVICE_ANCHORS=0|1
 * overrides the detection.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export function serviceAnchorsAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.BERTH_SERVICE_ANCHORS === '0') return false;
  if (env.BERTH_SERVICE_ANCHORS === '1') return true;
  const localEngine = !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://');
  return process.getuid?.() === 0 && localEngine && hasNsenter();
}

function hasNsenter(): boolean {
  try {
    execFileSync('nsenter', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Per-Service proxies (`<instance>.svc.<ns>.<svc>`) an older berth left in the state directory. */
export function anchorProxyNames(stateDir: string, instance: string): string[] {
  try {
    return readdirSync(path.join(stateDir, 'proxy')).filter((d) => d.startsWith(`${instance}.svc.`));
  } catch {
    return [];
  }
}

/**
 * The host pid of each running anchor container, asked of the engine once per container
 * start: a cached pid still counts while /proc says it belongs to that container (its
 * cgroup path holds the container id), so a look at the pods costs no inspect per anchor.
 */
export class AnchorPids {
  private readonly pids = new Map<string, number>();

  constructor(private readonly inspectPid: (containerId: string) => Promise<number | undefined>) {}

  async pidOf(containerId: string): Promise<number | undefined> {
    const cached = this.pids.get(containerId);
    if (cached && pidBelongsTo(cached, containerId)) return cached;
    const pid = await this.inspectPid(containerId);
    if (pid) this.pids.set(containerId, pid);
    else this.pids.delete(containerId);
    return pid;
  }

  /** Forget containers no longer seen. */
  keepOnly(ids: ReadonlySet<string>): void {
    for (const id of this.pids.keys()) if (!ids.has(id)) this.pids.delete(id);
  }
}

function pidBelongsTo(pid: number, containerId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId);
  } catch {
    return false;
  }
}

/** The network namespace of a process, as the proxy's listeners name it. */
export function netnsOf(pid: number): string {
  return `/proc/${pid}/ns/net`;
}
