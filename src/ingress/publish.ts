/**
 * Joining the Ingress listeners to the host proxy's table, and writing the certificate files
 * they name before the table that names them is published.
 */
import { writeFileAtomic } from '../util/atomicFile';
import { pathExists } from '../util/pathExists';
import { listenerKey, type EndpointTable } from '../proxy';
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

/** Content-addressed files: one that exists already holds this content. Keys are 0600. */
export async function writeTlsFiles(files: readonly TlsFile[]): Promise<void> {
  for (const f of files) {
    if (await pathExists(f.path)) continue;
    await writeFileAtomic(f.path, f.data, { mode: f.secret ? 0o600 : 0o644 });
  }
}
