/**
 * Stage 3: features that hand the host to a container are refused unless the operator
 * allowed them: hostPath volumes outside `--allow-host-path` prefixes, the Docker socket
 * (even under an allowed prefix, unless that prefix names it exactly), and privileged
 * containers, added capabilities beyond Docker's default set, seccomp Unconfined,
 * hostNetwork and hostPID without `--allow-privileged`.
 */
import { posix } from 'node:path';
import type { Problem } from '../util';
import { containersOf, problemAt, volumePath, type PodSite } from './located';

export interface PolicyOptions {
  allowHostPath: string[];
  allowPrivileged: boolean;
}

export const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

function clean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** Path-segment aware: `/data` is under `/data` and contains `/data/x`, not `/database`. */
export function isUnder(path: string, prefix: string): boolean {
  const p = clean(path);
  const pre = clean(prefix);
  return pre === '/' || p === pre || p.startsWith(`${pre}/`);
}

/** The Docker socket the path is, or contains (a mount of `/run` or `/` hands it over too). */
function socketWithin(path: string): string | undefined {
  return DOCKER_SOCKETS.find((s) => isUnder(s, path));
}

type HostPathVerdict = { ok: true } | { ok: false; code: string; message: string };

export function judgeHostPath(path: string, allow: readonly string[]): HostPathVerdict {
  if (!path.startsWith('/') || path.split('/').includes('..')) {
    return { ok: false, code: 'policy.host-path', message: `hostPath "${path}" must be an absolute path without ".." segments` };
  }
  const p = clean(path);
  const socket = socketWithin(p);
  if (socket) {
    if (allow.some((a) => a.startsWith('/') && clean(a) === p)) return { ok: true };
    const what = socket === p ? 'is the Docker socket' : `contains the Docker socket ${socket}`;
    return {
      ok: false,
      code: 'policy.docker-socket',
      message: `hostPath "${path}" ${what}, which hands the whole host to the pod (allow with --allow-host-path ${p})`,
    };
  }
  if (allow.some((a) => a.startsWith('/') && isUnder(p, a))) return { ok: true };
  return { ok: false, code: 'policy.host-path', message: `hostPath "${path}" is not allowed (allow with --allow-host-path ${p})` };
}

function hostPaths(site: PodSite, allow: readonly string[]): Problem[] {
  const out: Problem[] = [];
  site.spec.volumes.forEach((v, i) => {
    if (v.type !== 'hostPath') return;
    const verdict = judgeHostPath(v.path, allow);
    if (!verdict.ok) out.push(problemAt(site.doc, [...volumePath(site, i), 'hostPath', 'path'], 'error', verdict.code, verdict.message));
  });
  return out;
}

const FLAG = '(allow with --allow-privileged)';

/**
 * What Docker grants every container unless dropped (moby's oci/caps/defaults.go): adding one
 * back (typically NET_BIND_SERVICE after `drop: [ALL]`) hands nothing beyond a default
 * container, so it needs no flag.
 */
export const DOCKER_DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
]);

/** Capabilities beyond Docker's default set (`CAP_` prefix and case as Docker accepts them). */
export function extraCapabilities(add: readonly string[]): string[] {
  return add.filter((c) => !DOCKER_DEFAULT_CAPABILITIES.has(c.toUpperCase().replace(/^CAP_/, '')));
}

function privileges(site: PodSite): Problem[] {
  const out: Problem[] = [];
  const at = (path: (string | number)[], code: string, message: string) => out.push(problemAt(site.doc, path, 'error', code, `${message} ${FLAG}`));
  if (site.spec.hostNetwork) at([...site.specPath, 'hostNetwork'], 'policy.host-network', 'hostNetwork is not allowed');
  if (site.spec.hostPID) at([...site.specPath, 'hostPID'], 'policy.host-pid', 'hostPID is not allowed');
  for (const { container, path } of containersOf(site)) {
    const sc = container.securityContext;
    const scPath = [...path, 'securityContext'];
    if (sc.privileged) at([...scPath, 'privileged'], 'policy.privileged', 'privileged containers are not allowed');
    const extra = extraCapabilities(sc.capabilitiesAdd);
    if (extra.length > 0) {
      at(
        [...scPath, 'capabilities', 'add'],
        'policy.capabilities',
        `capabilities.add [${extra.join(', ')}] of container "${container.name}" is not allowed (beyond Docker's default set)`,
      );
    }
    if (sc.seccompProfile === 'Unconfined') {
      at([...scPath, 'seccompProfile'], 'policy.seccomp', `seccompProfile Unconfined of container "${container.name}" is not allowed`);
    }
  }
  return out;
}

export function policyProblems(sites: readonly PodSite[], opts: PolicyOptions): Problem[] {
  return sites.flatMap((site) => [...hostPaths(site, opts.allowHostPath), ...(opts.allowPrivileged ? [] : privileges(site))]);
}
