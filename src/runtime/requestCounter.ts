/**
 * Counts the HTTP requests berth makes to the engine, by operation (`GET /containers/json`,
 * `POST /containers/{id}/start`, ...), by wrapping docker-modem's `dial`, which every
 * dockerode call goes through. The counts are what the scale bench reads from `/metrics`
 * to show that a no-op pass makes a fixed number of list calls and no inspects. The writes
 * among them (anything that can change what a list shows) tell the applier when a list it
 * keeps is stale before the engine's event for the change arrives (rollout/listCache.ts).
 */

/** The part of docker-modem that is wrapped. */
export interface Dialer {
  dial(options: { method?: string; path?: string }, callback: (...args: unknown[]) => void): unknown;
}

/** `/containers/3f2a.../json?all=1` -> `/containers/{id}/json`: ids and names never become metric labels. */
export function operationOf(method: string | undefined, path: string | undefined): string {
  const [p] = (path ?? '').split('?');
  const parts = p.split('/').filter(Boolean);
  // Versioned paths (/v1.41/containers/json) count as the unversioned ones.
  if (parts[0] && /^v\d+\.\d+$/.test(parts[0])) parts.shift();
  const named = new Set(['containers', 'networks', 'volumes', 'images', 'exec']);
  const shape = parts.map((seg, i) => (i === 1 && named.has(parts[0]) && !['json', 'create', 'prune', 'load', 'import'].includes(seg) ? '{id}' : seg));
  // Image names contain slashes: everything between /images/ and the verb is the name.
  if (parts[0] === 'images' && parts.length > 2) return `${method ?? 'GET'} /images/{name}/${parts[parts.length - 1]}`;
  return `${method ?? 'GET'} /${shape.join('/')}`;
}

/** Requests by activity (see util/activity) and operation. */
export type RequestCounts = Record<string, Record<string, number>>;

/**
 * Whether a request can change what the engine lists: any method but GET and HEAD, except an
 * exec (a probe: `POST /containers/{id}/exec`, `/exec/{id}/start`, `/exec/{id}/resize`).
 */
export function isWrite(method: string | undefined, operation: string): boolean {
  const m = (method ?? 'GET').toUpperCase();
  if (m === 'GET' || m === 'HEAD') return false;
  return !operation.endsWith('/exec') && !operation.startsWith(`${m} /exec/`);
}

export class RequestCounter {
  private readonly counts = new Map<string, Map<string, number>>();
  private writeCount = 0;

  constructor(private readonly activity: () => string = () => 'other') {}

  /** Wraps `modem.dial` so every request is counted. */
  install(modem: Dialer): void {
    const dial = modem.dial.bind(modem);
    modem.dial = (options, callback) => {
      const op = operationOf(options.method, options.path);
      const activity = this.activity();
      let byOp = this.counts.get(activity);
      if (!byOp) this.counts.set(activity, (byOp = new Map()));
      byOp.set(op, (byOp.get(op) ?? 0) + 1);
      if (isWrite(options.method, op)) this.writeCount++;
      return dial(options, callback);
    };
  }

  /** Writes asked for so far (counted when sent). */
  writes(): number {
    return this.writeCount;
  }

  /** Requests so far, by activity and operation. */
  snapshot(): RequestCounts {
    return Object.fromEntries([...this.counts].map(([a, ops]) => [a, Object.fromEntries(ops)]));
  }
}
