/**
 * The host side of Service anchors (src/plan/anchors.ts): whether berth can run a proxy in an
 * anchor's network namespace here, and which proxy serves which anchor.
 *
 * Entering a container's network namespace (`nsenter --net`) needs root and the engine on
 * this host. Without them berth falls back to Kubernetes-less behaviour: ClusterIP names as
 * aliases on the selected pods (every running pod, the Service's own ports). BERTH_SERVICE_ANCHORS=0|1
 * overrides the detection.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
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

/** The proxy instance name of a Service's anchor: `<instance>.svc.<ns>.<svc>`. */
export function anchorProxyName(instance: string, namespace: string, service: string): string {
  return `${instance}.svc.${namespace}.${service}`;
}

/** Anchor proxy names found in the state directory (also of Services no longer declared). */
export function anchorProxyNames(stateDir: string, instance: string): string[] {
  try {
    return readdirSync(path.join(stateDir, 'proxy')).filter((d) => d.startsWith(`${instance}.svc.`));
  } catch {
    return [];
  }
}

/** true when both processes are in the same network namespace. */
export function sameNetns(a: number, b: number): boolean {
  try {
    return readlinkSync(`/proc/${a}/ns/net`) === readlinkSync(`/proc/${b}/ns/net`);
  } catch {
    return false;
  }
}

export function nsenterWrap(pid: number): string[] {
  return ['nsenter', `--net=/proc/${pid}/ns/net`];
}
