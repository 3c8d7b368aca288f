import { BerthError, messageOf } from '../util';

/**
 * The one place where engine failures become berth's typed errors. Every call of the
 * adapter wraps its failures here exactly once, with a sentence naming the object:
 * `cannot start container "web-1"`.
 */

export const ENGINE_HINT = 'is the Docker engine running? (DOCKER_HOST or /var/run/docker.sock)';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOTFOUND']);

interface EngineFailure {
  statusCode?: number;
  code?: string;
  json?: unknown;
  message?: string;
}

/** The engine's own sentence, without dockerode's "(HTTP code 404) no such container - " prefix. */
export function engineReason(err: unknown): string {
  const e = (err ?? {}) as EngineFailure;
  const json = e.json as { message?: unknown } | string | null | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message.trim();
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  const msg = messageOf(err).trim();
  const m = /^\(HTTP code \d+\) [^-]*- (.*)$/s.exec(msg);
  return (m ? m[1] : msg).trim();
}

/** `Bind for 0.0.0.0:8080 failed: port is already allocated` -> { port: 8080, address: '0.0.0.0:8080' } */
export function portClash(reason: string): { port: number; address: string } | undefined {
  const patterns = [/Bind for (\S+?):(\d+) failed: port is already allocated/, /listen (?:tcp|udp)[46]? (\S+?):(\d+): bind: address already in use/];
  for (const re of patterns) {
    const m = re.exec(reason);
    if (m) return { port: Number(m[2]), address: `${m[1]}:${m[2]}` };
  }
  if (/port is already allocated|address already in use/.test(reason)) return { port: 0, address: '' };
  return undefined;
}

export function mapEngineError(err: unknown, what: string, engine = 'the Docker engine'): BerthError {
  if (err instanceof BerthError) return err;
  const e = (err ?? {}) as EngineFailure;
  if (e.code === 'EACCES') {
    return new BerthError(
      'E_ENGINE',
      `${what}: permission denied on ${engine}`,
      'add the user to the docker group or point DOCKER_HOST at an engine you may use',
      { cause: err },
    );
  }
  if (e.code && UNREACHABLE.has(e.code)) {
    return new BerthError('E_ENGINE', `${what}: cannot reach ${engine} (${e.code})`, ENGINE_HINT, { cause: err });
  }
  const reason = engineReason(err);
  const clash = portClash(reason);
  if (clash) {
    const port = clash.port ? `host port ${clash.port} is already in use (${clash.address})` : 'a host port is already in use';
    return new BerthError('E_CONFLICT', `${what}: ${port}`, 'free the port or choose another hostPort/nodePort', {
      cause: err,
    });
  }
  switch (e.statusCode) {
    case 404:
      return new BerthError('E_NOT_FOUND', `${what}: ${reason}`, undefined, { cause: err });
    case 403: // e.g. a network with active endpoints, a pre-defined network
    case 409:
      return new BerthError('E_CONFLICT', `${what}: ${reason}`, undefined, { cause: err });
    default:
      return new BerthError('E_ENGINE', `${what}: ${reason}`, undefined, { cause: err });
  }
}

/** Runs `fn`, mapping any failure once. */
export async function engineCall<T>(what: string, fn: () => Promise<T>, engine?: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapEngineError(err, what, engine);
  }
}

/** The engine could not be reached at all (socket missing, refused, permission denied...). */
export function isUnreachable(err: unknown): boolean {
  const code = (err as EngineFailure | null)?.code;
  return code === 'EACCES' || (code !== undefined && UNREACHABLE.has(code));
}

export function statusOf(err: unknown): number | undefined {
  const s = (err as EngineFailure | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}
