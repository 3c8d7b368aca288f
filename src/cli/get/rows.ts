/**
 * The rows of `berth get`, from observed pods alone (labels), pure. Services are Docker
 * network aliases, so a Service is shown with the pods that answer to its name.
 */
import type { ObservedPod } from '../../observe';
import { CLUSTER_DOMAIN } from '../../plan';
import { secondsLeft } from '../../rollout';
import { initBlocker } from '../../plan';
import { LABEL, type ContainerSummary } from '../../runtime';
import type { EndpointRow } from '../../services';
import type { JobRow } from '../jobRows';
import { compareText } from '../../util';

export const WHAT = ['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'services', 'endpoints', 'all'] as const;
export type What = (typeof WHAT)[number];

export interface PodRow {
  namespace: string;
  name: string;
  kind: string;
  owner: string;
  ready: string;
  status: string;
  specHash: string;
  revision: string;
  /** The pod's address on its namespace network ('' when not running). */
  ip: string;
  /** `name=image` per app container. */
  containers: string[];
}

export interface WorkloadRow {
  kind: string;
  namespace: string;
  name: string;
  pods: number;
  running: number;
  templateHashes: string[];
  revisions: string[];
  images: string[];
}

export interface ServiceRow {
  namespace: string;
  name: string;
  endpoints: string[];
  /** `31234/TCP`: where the host proxy listens for a NodePort/LoadBalancer Service (an allocated nodePort included). */
  nodePorts?: string[];
}

/** Sections by name: pods, deployments, statefulsets, daemonsets, services, listeners. */
export type Sections = {
  pods?: PodRow[];
  deployments?: WorkloadRow[];
  statefulsets?: WorkloadRow[];
  daemonsets?: WorkloadRow[];
  jobs?: JobRow[];
  services?: ServiceRow[];
  listeners?: EndpointRow[];
};
export type SectionName = keyof Sections;
export type AnyRow = PodRow | WorkloadRow | ServiceRow | EndpointRow | JobRow;

/** Identity of a row within its section, for watching (a row that changed, appeared, went). */
export function rowKey(section: SectionName, r: AnyRow): string {
  if (section === 'listeners') return `${(r as EndpointRow).service} ${(r as EndpointRow).listen}`;
  const x = r as { namespace: string; name: string };
  return `${x.namespace}/${x.name}`;
}

export function isRunning(p: ObservedPod): boolean {
  return p.containers.length > 0 && p.containers.every((c) => c.state === 'running');
}

/**
 * A terminating pod (its deadline given) shows `Terminating (12 s left)`, as kubectl shows
 * `Terminating`; a pod held back by an init container `Init:NAME <its status>` (its log lines
 * are in the health message, where Secret values are redacted; `berth logs` shows them).
 */
export function podRow(p: ObservedPod, now: number, deadline?: number): PodRow {
  const running = p.containers.filter((c) => c.state === 'running').length;
  const blocker = initBlocker(p);
  const init = blocker ? `Init:${blocker.labels[LABEL.container] ?? blocker.name} ${blocker.status}` : undefined;
  const status =
    deadline !== undefined
      ? `Terminating (${secondsLeft(deadline, now)} s left)`
      : isRunning(p)
        ? 'Running'
        : (init ?? containerStatus(p.containers.find((c) => c.state !== 'running')));
  const endpoint = p.infra ?? p.containers[0];
  const ip = Object.values(endpoint?.networks ?? {}).find((a) => a !== '') ?? '';
  const containers = p.containers.map((c) => `${c.labels['io.berth.container'] ?? c.name}=${c.image}`);
  return {
    namespace: p.namespace,
    name: p.name,
    kind: p.kind,
    owner: p.owner,
    ready: `${running}/${p.containers.length}`,
    status,
    specHash: p.specHash,
    revision: p.revision,
    ip,
    containers,
  };
}

/**
 * kubectl's words for a container that does not run, rather than Docker's "Restarting (3) 5
 * seconds ago": Docker's `restarting` is its restart policy waiting out a back-off, which is
 * what kubelet calls CrashLoopBackOff. The words stay the same from one second to the next,
 * so `get -w` prints a row when the state changes, not every time Docker's clock ticks.
 */
export function containerStatus(c: ContainerSummary | undefined): string {
  if (!c) return 'Unknown';
  const code = /\((-?\d+)\)/.exec(c.status)?.[1];
  const exit = code !== undefined ? ` (exit ${code})` : '';
  switch (c.state) {
    case 'restarting':
      return `CrashLoopBackOff${exit}`;
    case 'exited':
      return code === '0' ? 'Completed' : `Error${exit}`;
    case 'created':
      return 'ContainerCreating';
    case 'paused':
      return 'Paused';
    case 'removing':
      return 'Terminating';
    case 'running':
      return 'Running';
    default:
      return 'Unknown';
  }
}

export function workloadRows(pods: readonly ObservedPod[], kind: string): WorkloadRow[] {
  const rows = new Map<string, WorkloadRow>();
  for (const p of pods.filter((x) => x.kind === kind)) {
    const key = `${p.namespace}/${p.owner}`;
    const row = rows.get(key) ?? { kind, namespace: p.namespace, name: p.owner, pods: 0, running: 0, templateHashes: [], revisions: [], images: [] };
    row.pods++;
    if (isRunning(p)) row.running++;
    if (!row.templateHashes.includes(p.specHash)) row.templateHashes.push(p.specHash);
    if (!row.revisions.includes(p.revision)) row.revisions.push(p.revision);
    for (const c of p.containers) if (!row.images.includes(c.image)) row.images.push(c.image);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** A Service is the alias `<svc>.<ns>.svc.cluster.local` on the pods it selects. */
export function serviceRows(pods: readonly ObservedPod[]): ServiceRow[] {
  const rows = new Map<string, ServiceRow>();
  const suffix = `.${CLUSTER_DOMAIN}`;
  for (const p of pods.filter((x) => x.kind !== 'Service')) {
    const endpoint = p.infra ?? p.containers[0];
    for (const aliases of Object.values(endpoint?.aliases ?? {})) {
      for (const a of aliases) {
        const parts = a.endsWith(suffix) ? a.slice(0, -suffix.length).split('.') : [];
        if (parts.length !== 2 || parts[1] !== p.namespace) continue; // <svc>.<ns> only, not <pod>.<svc>.<ns>
        const key = `${p.namespace}/${parts[0]}`;
        const row = rows.get(key) ?? { namespace: p.namespace, name: parts[0], endpoints: [] };
        if (isRunning(p)) row.endpoints.push(p.name);
        rows.set(key, row);
      }
    }
  }
  return [...rows.values()].sort(byName);
}

export function byName(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}
