/**
 * Pure translation between berth's runtime types and the Docker Engine API's JSON.
 * The shapes below are the engine's wire format (API 1.41+), not dockerode types.
 */
import type { ContainerDetails, ContainerState, ContainerSummary, EngineEvent, Labels, PullProgress } from './types';

export interface ApiNetworks {
  [name: string]: { IPAddress?: string; Aliases?: string[] | null } | null | undefined;
}

export interface ApiContainerListItem {
  Id: string;
  Names?: string[];
  Image: string;
  Labels?: Labels | null;
  State: string;
  Status: string;
  Created: number;
  NetworkSettings?: { Networks?: ApiNetworks | null } | null;
}

export interface ApiContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  RestartCount: number;
  Config: { Image: string; Labels?: Labels | null; Tty?: boolean };
  State: {
    Status: string;
    ExitCode: number;
    OOMKilled: boolean;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
    Pid: number;
  };
  NetworkSettings?: { Networks?: ApiNetworks | null } | null;
}

export interface ApiEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

/** `{a: '1', b: '2'}` -> `['a=1', 'b=2']`, the engine's label filter. */
export function labelFilter(labels: Labels): string[] {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
}

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

export function toState(s: string): ContainerState {
  const lower = s.toLowerCase() as ContainerState;
  return STATES.includes(lower) ? lower : 'dead';
}

/** The container's own name: the first without a link prefix, without the leading '/'. */
export function primaryName(names: string[] | undefined, fallback: string): string {
  const list = names ?? [];
  const own = list.find((n) => n.lastIndexOf('/') === 0) ?? list[0];
  return own ? own.replace(/^\//, '') : fallback;
}

export function toNetworks(n: ApiNetworks | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, ep] of Object.entries(n ?? {})) out[name] = ep?.IPAddress ?? '';
  return out;
}

/**
 * network -> aliases, or undefined when the engine did not say (the list API of Engine
 * 20.10 returns `Aliases: null`; inspect fills them). The short container id Docker adds
 * on its own is dropped: it is not an alias anybody asked for.
 */
export function toAliases(n: ApiNetworks | null | undefined, id: string): Record<string, string[]> | undefined {
  const entries = Object.entries(n ?? {});
  if (!entries.some(([, ep]) => Array.isArray(ep?.Aliases))) return undefined;
  const shortId = id.slice(0, 12);
  const out: Record<string, string[]> = {};
  for (const [name, ep] of entries) out[name] = (ep?.Aliases ?? []).filter((a) => a !== shortId && a !== id);
  return out;
}

function withAliases<T extends ContainerSummary>(s: T, n: ApiNetworks | null | undefined): T {
  const aliases = toAliases(n, s.id);
  if (aliases) s.aliases = aliases;
  return s;
}

export function toSummary(c: ApiContainerListItem): ContainerSummary {
  return withAliases(
    {
      id: c.Id,
      name: primaryName(c.Names, c.Id),
      image: c.Image,
      labels: { ...(c.Labels ?? {}) },
      state: toState(c.State),
      status: c.Status,
      createdAt: c.Created,
      networks: toNetworks(c.NetworkSettings?.Networks),
    },
    c.NetworkSettings?.Networks,
  );
}

/** Docker writes "0001-01-01T00:00:00Z" for a time that never happened. */
function realTime(t: string | undefined): string | undefined {
  return t && !t.startsWith('0001-') ? t : undefined;
}

/** inspect has no human status line; build one like `docker ps` would. */
export function describeStatus(state: ContainerState, exitCode: number, startedAt?: string, finishedAt?: string): string {
  switch (state) {
    case 'running':
      return startedAt ? `Up since ${startedAt}` : 'Up';
    case 'exited':
      return finishedAt ? `Exited (${exitCode}) at ${finishedAt}` : `Exited (${exitCode})`;
    case 'created':
      return 'Created';
    default:
      return state.charAt(0).toUpperCase() + state.slice(1);
  }
}

export function toDetails(c: ApiContainerInspect): ContainerDetails {
  const state = toState(c.State.Status);
  const startedAt = realTime(c.State.StartedAt);
  const finishedAt = realTime(c.State.FinishedAt);
  const details: ContainerDetails = {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    image: c.Config.Image,
    labels: { ...(c.Config.Labels ?? {}) },
    state,
    status: describeStatus(state, c.State.ExitCode, startedAt, finishedAt),
    createdAt: Math.floor(Date.parse(c.Created) / 1000),
    networks: toNetworks(c.NetworkSettings?.Networks),
    restartCount: c.RestartCount,
    exitCode: c.State.ExitCode,
    oomKilled: c.State.OOMKilled,
    error: c.State.Error,
    startedAt,
    finishedAt,
    pid: c.State.Pid,
  };
  return withAliases(details, c.NetworkSettings?.Networks);
}

/** Keys Docker puts into a container event's attributes next to the labels. */
const EVENT_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'container', 'type', 'driver']);

export function toEngineEvent(e: ApiEvent): EngineEvent | undefined {
  const type = e.Type;
  if (type !== 'container' && type !== 'network' && type !== 'volume' && type !== 'image') return undefined;
  const labels: Labels = {};
  for (const [k, v] of Object.entries(e.Actor?.Attributes ?? {})) if (!EVENT_ATTRIBUTES.has(k)) labels[k] = v;
  const out: EngineEvent = { type, action: e.Action ?? '', id: e.Actor?.ID ?? '', labels, time: e.time ?? 0 };
  const attrs = e.Actor?.Attributes ?? {};
  if (attrs.exitCode !== undefined && /^\d+$/.test(attrs.exitCode)) out.exitCode = Number(attrs.exitCode);
  if (attrs.signal !== undefined && e.Action === 'kill') out.signal = attrs.signal;
  return out;
}

/** `busybox` -> `busybox:latest`; refs with a tag or a digest stay as they are. */
export function normalizeImageRef(ref: string): string {
  if (ref.includes('@')) return ref;
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? ref : `${ref}:latest`;
}

export interface ApiPullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

export function toPullProgress(m: ApiPullMessage): PullProgress {
  const p: PullProgress = { status: m.status ?? '' };
  if (m.id !== undefined) p.id = m.id;
  if (m.progressDetail?.current !== undefined) p.current = m.progressDetail.current;
  if (m.progressDetail?.total !== undefined) p.total = m.progressDetail.total;
  return p;
}

/** The failure a pull stream reports in-band, if any. */
export function pullError(m: ApiPullMessage): string | undefined {
  return m.error ?? m.errorDetail?.message;
}
