/** `berth describe` as text, in kubectl describe's layout. Pure. */
import { shortSha } from '../../util';
import type { Probe } from '../../model';
import { tableLines } from '../table';
import { podReady } from './conditions';
import type { Condition, ContainerInfo, DescribeEvent, Described, PodInfo } from './types';

const field = (label: string, value: string, indent = ''): string => `${indent}${`${label}:`.padEnd(16)}${value}\n`;
const table = (rows: string[][], indent = '  '): string =>
  tableLines(
    rows.slice(1),
    rows[0].map((h, i) => [h, (r: string[]) => r[i]] as [string, (r: string[]) => string]),
  )
    .lines.map((l) => indent + l.trimEnd())
    .join('\n') + '\n';

export function formatProbe(p: Probe): string {
  const h = p.handler;
  const what =
    h.type === 'exec'
      ? `exec [${h.command.join(' ')}]`
      : h.type === 'httpGet'
        ? `http-get ${h.scheme.toLowerCase()}://${h.host ?? ''}:${h.port}${h.path}`
        : h.type === 'grpc'
          ? `grpc :${h.port}${h.service ? ` service=${h.service}` : ''}` // kubectl describe's form
          : `tcp-socket ${h.host ?? ''}:${h.port}`;
  return `${what} delay=${p.initialDelaySeconds}s timeout=${p.timeoutSeconds}s period=${p.periodSeconds}s #success=${p.successThreshold} #failure=${p.failureThreshold}`;
}

export function age(fromMs: number, now: number): string {
  const s = Math.max(0, Math.floor((now - fromMs) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function conditions(cs: readonly Condition[]): string {
  return 'Conditions:\n' + table([['Type', 'Status', 'Reason'], ...cs.map((c) => [c.type, c.status, c.reason])]);
}

function state(c: ContainerInfo): string {
  if (c.state === 'running') return `Running (started ${c.startedAt ?? '?'})`;
  if (c.state === 'exited' || c.state === 'dead')
    return `Terminated: exit code ${c.exitCode}${c.oomKilled ? ', OOM-killed' : ''}${c.error ? `, ${c.error}` : ''} (finished ${c.finishedAt ?? '?'})`;
  if (c.state === 'restarting') return `Waiting: restarting after exit code ${c.exitCode}${c.oomKilled ? ', OOM-killed' : ''}`;
  return cap(c.state);
}

function container(c: ContainerInfo): string {
  let out = `  ${c.name}:\n`;
  out += field('Container ID', c.id.slice(0, 12), '    ');
  out += field('Image', c.image, '    ');
  if (c.ports.length) out += field('Ports', c.ports.map((p) => `${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', '), '    ');
  out += field('State', state(c), '    ');
  out += field('Ready', c.state === 'running' && (!c.readinessNow || c.readinessNow.ok) ? 'True' : 'False', '    ');
  out += field('Restart Count', String(c.restartCount), '    ');
  if (c.livenessProbe) out += field('Liveness', formatProbe(c.livenessProbe), '    ');
  if (c.readinessProbe) out += field('Readiness', formatProbe(c.readinessProbe), '    ');
  return out;
}

function podTable(pods: readonly PodInfo[], now: number): string {
  if (pods.length === 0) return 'Pods:           <none>\n';
  const rows = pods.map((p) => {
    const running = p.containers.filter((c) => c.state === 'running').length;
    const status = p.terminating
      ? 'Terminating'
      : p.containers.find((c) => c.state !== 'running')
        ? cap(p.containers.find((c) => c.state !== 'running')!.state)
        : podReady(p)
          ? 'Running'
          : 'Running (not ready)';
    return [
      p.name,
      `${running}/${p.containers.length}`,
      status,
      String(Math.max(0, ...p.containers.map((c) => c.restartCount))),
      p.ip || '<none>',
      p.specHash,
      shortSha(p.revision),
      age(p.createdAt, now),
    ];
  });
  return 'Pods:\n' + table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'IP', 'TEMPLATE', 'REVISION', 'AGE'], ...rows]);
}

function events(es: readonly DescribeEvent[]): string {
  if (es.length === 0) return 'Events:         <none>\n';
  return (
    'Events:\n' +
    table([
      ['Time', 'Type', 'Reason', 'Object', 'Message'],
      ...es.map((e) => [new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z'), e.type, e.reason, e.object, e.message]),
    ])
  );
}

export function renderDescribed(d: Described, now: number): string {
  let out = field('Name', d.name) + field('Namespace', d.namespace) + field('Kind', d.kind);
  const pod = d.kind === 'Pod' ? d.pods[0] : undefined;
  if (pod) {
    out += field('Owner', pod.kind === 'Pod' ? '<none>' : `${pod.kind}/${pod.owner}`);
    out += field('Created', `${new Date(pod.createdAt).toISOString()} (${age(pod.createdAt, now)} ago)`);
    out += field('IP', pod.ip || '<none>') + field('Template', pod.specHash) + field('Revision', pod.revision);
    if (pod.terminating)
      out += field(
        'Terminating',
        `since ${new Date(pod.terminating.since).toISOString()}, killed at ${new Date(pod.terminating.deadline).toISOString()} at the latest`,
      );
    out += 'Containers:\n' + pod.containers.map(container).join('');
  } else if (d.kind === 'Service') {
    out += field('Endpoints', d.endpoints?.length ? d.endpoints.join(', ') : '<none>');
    if (d.listeners?.length)
      out += 'Listeners:\n' + table([['Listen', 'State', 'Ready Endpoints'], ...d.listeners.map((l) => [l.listen, l.state, l.endpoints])]);
  } else {
    const first = d.pods.find((p) => !p.terminating) ?? d.pods[0];
    out += field('Images', [...new Set(d.pods.flatMap((p) => p.containers.map((c) => c.image)))].join(', ') || '<none>');
    const probes = (first?.containers ?? []).flatMap((c) => [
      ...(c.livenessProbe ? [`  ${c.name}: liveness ${formatProbe(c.livenessProbe)}\n`] : []),
      ...(c.readinessProbe ? [`  ${c.name}: readiness ${formatProbe(c.readinessProbe)}\n`] : []),
    ]);
    out += probes.length ? `Probes:\n${probes.join('')}` : field('Probes', '<none>');
  }
  if (d.conditions.length) out += conditions(d.conditions);
  if (d.kind !== 'Pod') out += podTable(d.pods, now);
  return out + events(d.events);
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
