/**
 * Where a proxy's files live and how they are read and written. The operator writes
 * endpoints.json; the proxy writes ack.json and pid. Every write replaces the file whole
 * (write a temporary file, rename), so a reader sees the old or the new content.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, messageOf } from '../../util';
import { TABLE_FORMAT, type AckFile, type ListenerSpec, type PidFile, type TableFile } from './types';

export interface ProxyPaths {
  dir: string;
  endpoints: string;
  ack: string;
  pid: string;
  log: string;
}

export function proxyPaths(stateDir: string, instance: string): ProxyPaths {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(instance)) {
    throw new BerthError('E_USAGE', `proxy: instance name "${instance}" cannot name a directory`, 'use letters, digits, ".", "_" and "-"');
  }
  const dir = join(stateDir, 'proxy', instance);
  return { dir, endpoints: join(dir, 'endpoints.json'), ack: join(dir, 'ack.json'), pid: join(dir, 'pid'), log: join(dir, 'proxy.log') };
}

/** Replace a file without fsync: for files that only matter while processes run (ack). */
export async function replaceFile(path: string, data: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new BerthError('E_IO', `cannot write ${path}: ${messageOf(err)}`, undefined, { cause: err });
  }
}

export type ReadOutcome<T> = { kind: 'ok'; value: T } | { kind: 'missing' } | { kind: 'invalid'; error: string };

async function readJson(path: string): Promise<ReadOutcome<unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', error: `cannot read ${path}: ${messageOf(err)}` };
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) };
  } catch (err) {
    return { kind: 'invalid', error: `${path}: not JSON: ${messageOf(err)}` };
  }
}

export async function readTable(path: string): Promise<ReadOutcome<TableFile>> {
  const r = await readJson(path);
  if (r.kind !== 'ok') return r;
  const error = tableError(r.value);
  return error ? { kind: 'invalid', error: `${path}: ${error}` } : { kind: 'ok', value: r.value as TableFile };
}

export async function readAck(path: string): Promise<ReadOutcome<AckFile>> {
  const r = await readJson(path);
  if (r.kind !== 'ok') return r;
  const v = r.value as Partial<AckFile>;
  if (typeof v.generation !== 'number' || !Array.isArray(v.listeners) || typeof v.connections !== 'object')
    return { kind: 'invalid', error: `${path}: not an ack file` };
  return { kind: 'ok', value: v as AckFile };
}

export async function readPidFile(path: string): Promise<ReadOutcome<PidFile>> {
  const r = await readJson(path);
  if (r.kind !== 'ok') return r;
  const v = r.value as Partial<PidFile>;
  if (typeof v.pid !== 'number' || typeof v.nonce !== 'string') return { kind: 'invalid', error: `${path}: not a proxy pid file` };
  return { kind: 'ok', value: v as PidFile };
}

/** Why `v` is not a table this proxy can apply, or undefined when it is. */
export function tableError(v: unknown): string | undefined {
  const t = v as Partial<TableFile>;
  if (typeof t !== 'object' || t === null) return 'not an object';
  if (t.format !== TABLE_FORMAT) return `format ${String(t.format)}, this proxy reads format ${TABLE_FORMAT}`;
  if (typeof t.generation !== 'number' || !Number.isInteger(t.generation) || t.generation < 1) return 'generation: not a positive integer';
  if (!Array.isArray(t.listeners)) return 'listeners: not a list';
  for (const [i, l] of t.listeners.entries()) {
    const e = listenerError(l);
    if (e) return `listeners[${i}]: ${e}`;
  }
  return undefined;
}

function listenerError(l: Partial<ListenerSpec>): string | undefined {
  if (l.protocol !== 'TCP' && l.protocol !== 'UDP') return `protocol: ${String(l.protocol)} is not TCP or UDP`;
  if (typeof l.address !== 'string' || l.address === '') return 'address: missing';
  if (!isPort(l.port)) return `port: ${String(l.port)} is not a port number`;
  if (l.netns !== undefined && (typeof l.netns !== 'string' || !/^\/proc\/\d+\/ns\/net$/.test(l.netns)))
    return `netns: ${String(l.netns)} is not /proc/<pid>/ns/net`;
  if (!Array.isArray(l.endpoints)) return 'endpoints: not a list';
  if (l.source === 'ingress' && !Array.isArray(l.http?.routes)) return 'http.routes: an ingress listener needs its routes';
  for (const [j, e] of l.endpoints.entries()) {
    if (typeof e?.ip !== 'string' || e.ip === '') return `endpoints[${j}].ip: missing`;
    if (!isPort(e.port)) return `endpoints[${j}].port: ${String(e.port)} is not a port number`;
  }
  return undefined;
}

function isPort(p: unknown): p is number {
  return typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
}
