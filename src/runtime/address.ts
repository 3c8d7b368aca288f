import { BerthError } from '../util';

/** Where the Docker engine answers. */
export type EngineAddress = { kind: 'socket'; socketPath: string } | { kind: 'tcp'; host: string; port: number; tls: boolean; certPath?: string };

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface EngineAddressOptions {
  socketPath?: string;
  /** `unix:///path/docker.sock` or `tcp://host:port`, like DOCKER_HOST */
  host?: string;
}

/**
 * Explicit options win, then DOCKER_HOST, then the default socket. TLS for tcp:// follows
 * Docker's own variables: DOCKER_TLS_VERIFY (any value but '' or '0') and DOCKER_CERT_PATH.
 */
export function resolveEngineAddress(opts: EngineAddressOptions, env: NodeJS.ProcessEnv): EngineAddress {
  if (opts.socketPath) return { kind: 'socket', socketPath: opts.socketPath };
  const host = opts.host ?? env.DOCKER_HOST;
  if (!host) return { kind: 'socket', socketPath: DEFAULT_SOCKET };
  if (host.startsWith('unix://')) {
    return { kind: 'socket', socketPath: host.slice('unix://'.length) || DEFAULT_SOCKET };
  }
  if (host.startsWith('tcp://')) return parseTcp(host, env);
  throw new BerthError('E_USAGE', `unsupported Docker host "${host}"`, 'use unix:///path/to/docker.sock or tcp://host:port (DOCKER_HOST)');
}

function parseTcp(host: string, env: NodeJS.ProcessEnv): EngineAddress {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new BerthError('E_USAGE', `invalid Docker host "${host}"`, 'expected tcp://host:port (DOCKER_HOST)');
  }
  const tls = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
  const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!hostname) throw new BerthError('E_USAGE', `Docker host "${host}" names no host`, 'expected tcp://host:port');
  return { kind: 'tcp', host: hostname, port, tls, certPath: tls ? env.DOCKER_CERT_PATH : undefined };
}

/** How to describe the address in messages. */
export function describeAddress(a: EngineAddress): string {
  return a.kind === 'socket' ? `unix://${a.socketPath}` : `${a.tls ? 'https' : 'tcp'}://${a.host}:${a.port}`;
}
