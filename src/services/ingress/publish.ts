/**
 * Joining the Ingress listeners to the host proxy's table, and writing the certificate files
 * they name before the table that names them is published.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util';
import { pathExists } from '../../util';
import { listenerKey, type EndpointTable } from '..';
import type { IngressTable, TlsFile } from './routes';

/** The Services' listeners plus the Ingress ones; an Ingress port a Service already holds is left out, with a warning. */
export function withIngress(table: EndpointTable, ingress: IngressTable): EndpointTable & { files: TlsFile[] } {
  const taken = new Map(table.listeners.map((l) => [listenerKey(l), l]));
  const out = { listeners: [...table.listeners], warnings: [...table.warnings, ...ingress.warnings], files: ingress.files };
  for (const l of ingress.listeners) {
    const holder = taken.get(listenerKey(l));
    if (holder) out.warnings.push(`Ingress port ${l.port}: host ${listenerKey(l)} is already served for Service ${holder.service}; Ingress listener left out`);
    else out.listeners.push(l);
  }
  return out;
}

/**
 * Content-addressed files: one that exists already holds this content. Keys are 0600. Files
 * of `dir` that neither this table nor `previous` (the table the proxy may still be applying)
 * names are removed. Returns the paths of this table, the next call's `previous`.
 */
export async function syncTlsFiles(dir: string, files: readonly TlsFile[], previous: ReadonlySet<string>): Promise<Set<string>> {
  for (const f of files) {
    if (await pathExists(f.path)) continue;
    await writeFileAtomic(f.path, f.data, { mode: f.secret ? 0o600 : 0o644 });
  }
  const current = new Set(files.map((f) => f.path));
  const present = await readdir(dir).catch(() => [] as string[]);
  for (const name of present) {
    const p = join(dir, name);
    if (!current.has(p) && !previous.has(p)) await rm(p, { force: true });
  }
  return current;
}

/** Where the host proxy of `proxyDir` finds the Ingress certificates. */
export function tlsDirOf(proxyDir: string): string {
  return join(proxyDir, 'tls');
}
