/**
 * `berth get`: what the engine runs for this instance, read from labels alone (the same
 * observe step the planner uses), and the pods being terminated from the state directory's
 * ledger (rollout/terminating.ts). Services are Docker network aliases, so a Service is shown
 * with the pods that answer to its name.
 */
import { Argument, type Command } from 'commander';
import { observe } from '../../observe';
import type { ObservedPod } from '../../observe/types';
import { CLUSTER_DOMAIN } from '../../plan/aliases';
import { addEngineOptions, engineOptions, outputOption, type EngineOptions, type OutputFormat } from '../options';
import { endpointRows, ProxySupervisor, type EndpointRow } from '../../proxy';
import { withEngine } from '../engine';
import { kernelStatusOf } from '../../traffic/kernelTargets';
import { EXIT, type ExitCode } from '../exit';
import { printTable } from '../table';
import { secondsLeft, splitTerminating, TerminationLedger } from '../../rollout/terminating';

const WHAT = ['pods', 'deployments', 'statefulsets', 'services', 'endpoints', 'all'] as const;
type What = (typeof WHAT)[number];

interface PodRow {
  namespace: string;
  name: string;
  kind: string;
  owner: string;
  ready: string;
  status: string;
  specHash: string;
  revision: string;
}

interface WorkloadRow {
  kind: string;
  namespace: string;
  name: string;
  pods: number;
  running: number;
  templateHashes: string[];
  revisions: string[];
}

interface ServiceRow {
  namespace: string;
  name: string;
  endpoints: string[];
}

/** Listeners of the instance's proxy (NodePort/LoadBalancer, and ClusterIP in their anchors), from its own acknowledgement. */
async function listenerRows(eng: EngineOptions, namespace?: string): Promise<EndpointRow[]> {
  const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: eng.instance }).status();
  const kernel = await kernelStatusOf(eng.stateDir, eng.instance);
  return [...endpointRows(status).map((r) => ({ ...r, state: status.running ? r.state : 'proxy not running' })), ...(kernel ? endpointRows(kernel) : [])]
    .filter((r) => !namespace || r.service.startsWith(`${namespace}/`));
}

export function registerGet(program: Command, run: (fn: () => Promise<ExitCode>) => void): void {
  const cmd = program
    .command('get')
    .description('list what runs on the engine for this instance')
    .addArgument(new Argument('<what>', 'what to list').choices(WHAT))
    .option('-n, --namespace <ns>', 'only this namespace')
    .addOption(outputOption());
  addEngineOptions(cmd).action((what: What, raw: { instance: string; stateDir: string; namespace?: string; output: OutputFormat }) =>
    run(async () => {
      const eng = engineOptions(raw);
      const observed = await withEngine(eng, 'get', false, async (rt) => splitTerminating(await observe(rt, eng.instance), await new TerminationLedger(eng.stateDir, eng.instance).list()));
      const inNamespace = <T extends ObservedPod>(p: T) => !raw.namespace || p.namespace === raw.namespace;
      const pods = observed.pods.filter(inNamespace);
      const terminating = (observed.terminating ?? []).filter(inNamespace);
      const sections: Record<string, unknown[]> = {};
      if (what === 'pods' || what === 'all') sections.pods = [...pods.map((p) => podRow(p)), ...terminating.map((p) => podRow(p, p.deadline))].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      if (what === 'deployments' || what === 'all') sections.deployments = workloadRows(pods, 'Deployment');
      if (what === 'statefulsets' || what === 'all') sections.statefulsets = workloadRows(pods, 'StatefulSet');
      if (what === 'services' || what === 'endpoints' || what === 'all') sections.services = [...serviceRows(pods), ...(await anchoredServiceRows(eng, pods))].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      if (what === 'endpoints' || what === 'all') sections.listeners = await listenerRows(eng, raw.namespace);
      if (raw.output === 'json') {
        process.stdout.write(JSON.stringify(what === 'all' ? sections : Object.values(sections)[0], null, 2) + '\n');
        return EXIT.ok;
      }
      for (const [name, rows] of Object.entries(sections)) {
        if (what === 'all') process.stdout.write(`\n${name.toUpperCase()}\n`);
        printTable(rows as never[], columnsFor(name));
      }
      return EXIT.ok;
    }),
  );
}

function columnsFor(section: string): [string, (r: never) => string][] {
  switch (section) {
    case 'pods':
      return [['NAMESPACE', (r: PodRow) => r.namespace], ['NAME', (r: PodRow) => r.name], ['READY', (r: PodRow) => r.ready], ['STATUS', (r: PodRow) => r.status], ['OWNER', (r: PodRow) => `${r.kind}/${r.owner}`], ['REVISION', (r: PodRow) => r.revision.slice(0, 8)]] as never;
    case 'listeners':
      return [['SERVICE', (r: EndpointRow) => r.service], ['LISTEN', (r: EndpointRow) => r.listen], ['STATE', (r: EndpointRow) => r.state], ['READY ENDPOINTS', (r: EndpointRow) => r.endpoints]] as never;
    case 'services':
      return [['NAMESPACE', (r: ServiceRow) => r.namespace], ['NAME', (r: ServiceRow) => r.name], ['ENDPOINTS', (r: ServiceRow) => r.endpoints.join(',') || '<none>']] as never;
    default:
      return [['NAMESPACE', (r: WorkloadRow) => r.namespace], ['NAME', (r: WorkloadRow) => r.name], ['RUNNING', (r: WorkloadRow) => `${r.running}/${r.pods}`], ['TEMPLATE', (r: WorkloadRow) => r.templateHashes.join(',')], ['REVISION', (r: WorkloadRow) => r.revisions.map((x) => x.slice(0, 8)).join(',')]] as never;
  }
}

function isRunning(p: ObservedPod): boolean {
  return p.containers.length > 0 && p.containers.every((c) => c.state === 'running');
}

/** A terminating pod (its deadline given) shows `Terminating (12 s left)`, as kubectl shows `Terminating`. */
function podRow(p: ObservedPod, deadline?: number): PodRow {
  const running = p.containers.filter((c) => c.state === 'running').length;
  const status =
    deadline !== undefined ? `Terminating (${secondsLeft(deadline, Date.now())} s left)` : isRunning(p) ? 'Running' : p.containers.find((c) => c.state !== 'running')?.status ?? 'Unknown';
  return { namespace: p.namespace, name: p.name, kind: p.kind, owner: p.owner, ready: `${running}/${p.containers.length}`, status, specHash: p.specHash, revision: p.revision };
}

function workloadRows(pods: readonly ObservedPod[], kind: string): WorkloadRow[] {
  const rows = new Map<string, WorkloadRow>();
  for (const p of pods.filter((x) => x.kind === kind)) {
    const key = `${p.namespace}/${p.owner}`;
    const row = rows.get(key) ?? { kind, namespace: p.namespace, name: p.owner, pods: 0, running: 0, templateHashes: [], revisions: [] };
    row.pods++;
    if (isRunning(p)) row.running++;
    if (!row.templateHashes.includes(p.specHash)) row.templateHashes.push(p.specHash);
    if (!row.revisions.includes(p.revision)) row.revisions.push(p.revision);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** A ClusterIP Service with an anchor: its ready endpoints are what the proxy forwards to in the anchor. */
async function anchoredServiceRows(eng: EngineOptions, pods: readonly ObservedPod[]): Promise<ServiceRow[]> {
  const status = await new ProxySupervisor({ stateDir: eng.stateDir, instance: eng.instance }).status();
  // Kernel rules (--proxy-mode kernel) serve the listeners they hold.
  const kernel = (await kernelStatusOf(eng.stateDir, eng.instance))?.listeners.filter((l) => l.bound) ?? [];
  const served = [...(status.running ? status.listeners : []), ...kernel];
  return pods
    .filter((p) => p.kind === 'Service')
    .map((a) => {
      const mine = served.filter((l) => l.netns && l.service === `${a.namespace}/${a.owner}`);
      const endpoints = [...new Set(mine.flatMap((l) => l.endpoints.map((e) => e.pod.split('/')[1])))];
      return { namespace: a.namespace, name: a.owner, endpoints };
    });
}

/** A Service is the alias `<svc>.<ns>.svc.cluster.local` on the pods it selects. */
function serviceRows(pods: readonly ObservedPod[]): ServiceRow[] {
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
  return [...rows.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
