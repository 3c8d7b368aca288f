/**
 * The downward API (pure): a pod's own metadata and its containers' resources, as env values
 * and as files of downwardAPI and projected volumes. Values follow kubelet:
 * - metadata.labels / metadata.annotations as a file: `key="value"` lines sorted by key
 *   (fieldpath.FormatMap; values quoted as JSON strings, which Go's %q matches for text);
 * - resourceFieldRef: ceil(value / divisor) (resource.ExtractContainerResourceValue); a limit
 *   not set is the node's allocatable, here this host's CPUs and memory (ctx.node).
 * Files are content-addressed like ConfigMap files (files.ts): a label change is a new
 * directory, and the pod is replaced anyway (its spec hash covers its labels).
 */
import type { Container, DownwardAPIItem, Volume } from '../model';
import { parseBytes, parseNanoCpus } from '../model';
import { fieldValue } from './env';
import { isSafeRelative, secretDir, volumeFiles, type FileSet } from './files';
import type { ConfigLookup } from './lookup';
import { sha256 } from './names';
import type { DesiredPod, FileEntry, PlanContext } from './types';
import { compareText } from '../util';

type Warn = (m: string) => void;

export function formatMap(m: Record<string, string>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join('\n');
}

/** A fieldRef as a file: env's fields plus the whole label and annotation maps. */
export function fieldFile(path: string, pod: DesiredPod, warn: Warn): string {
  if (path === 'metadata.labels') return formatMap(pod.labels);
  if (path === 'metadata.annotations') return formatMap(pod.annotations);
  return fieldValue(path, pod, warn);
}

/** A container's limit or request as the downward API gives it; `self` is the container of an env entry. */
export function resourceValue(
  ref: NonNullable<DownwardAPIItem['resourceFieldRef']>,
  pod: DesiredPod,
  self: Container | undefined,
  node: PlanContext['node'],
  warn: Warn,
): string {
  const c = ref.containerName ? [...pod.spec.containers, ...pod.spec.initContainers].find((x) => x.name === ref.containerName) : self;
  if (!c) {
    warn(`resourceFieldRef: no container ${ref.containerName ?? '(none given)'}; set to ''`);
    return '';
  }
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  if (resource === 'ephemeral-storage') {
    warn(`resourceFieldRef ${ref.resource} is not known on a Docker host; set to ''`);
    return '';
  }
  const cpu = resource === 'cpu';
  const own = c.resources[kind][cpu ? 'nanoCpus' : 'memoryBytes'];
  const allocatable = cpu ? node?.nanoCpus : node?.memoryBytes;
  const value = own ?? (kind === 'limits' ? allocatable : 0);
  if (value === undefined) {
    warn(`resourceFieldRef ${ref.resource}: container ${c.name} sets no limit and the host's is not known; set to ''`);
    return '';
  }
  const divisor = cpu ? parseNanoCpus(ref.divisor) : parseBytes(ref.divisor);
  if (!divisor.ok || divisor.value === 0) {
    warn(`resourceFieldRef ${ref.resource}: divisor "${ref.divisor}" is not a positive quantity; set to ''`);
    return '';
  }
  return String(Math.ceil(value / divisor.value));
}

function itemFiles(items: readonly DownwardAPIItem[], defaultMode: number, pod: DesiredPod, ctx: PlanContext, warn: Warn): FileEntry[] {
  const out: FileEntry[] = [];
  for (const item of items) {
    if (!isSafeRelative(item.path)) {
      warn(`path "${item.path}" must be relative and stay inside the volume; skipped`);
      continue;
    }
    const text = item.fieldRef
      ? fieldFile(item.fieldRef.fieldPath, pod, warn)
      : item.resourceFieldRef
        ? resourceValue(item.resourceFieldRef, pod, undefined, ctx.node, warn)
        : '';
    out.push({ path: item.path, contentBase64: Buffer.from(text, 'utf8').toString('base64'), mode: item.mode ?? defaultMode });
  }
  return out;
}

type DownwardVolume = Extract<Volume, { type: 'downwardAPI' } | { type: 'projected' }>;

/**
 * The files of a downwardAPI or projected volume, in one content-addressed directory of the
 * pod. A projected volume with a Secret source is written as a secret volume is (on the
 * tmpfs, per pod, `write-files` redacted), its Secret files 0400.
 */
export function downwardFiles(vol: DownwardVolume, pod: DesiredPod, ctx: PlanContext, lookup: ConfigLookup, warn: Warn): FileSet {
  const where = (m: string) => warn(`volume ${vol.name}: ${m}`);
  let files: FileEntry[] = [];
  let secret = false;
  if (vol.type === 'downwardAPI') files = itemFiles(vol.items, vol.defaultMode, pod, ctx, where);
  else {
    for (const src of vol.sources) {
      if (src.type === 'downwardAPI') files.push(...itemFiles(src.items, vol.defaultMode, pod, ctx, where));
      else {
        const as = src.type === 'secret' ? { type: 'secret' as const, secretName: src.name } : { type: 'configMap' as const, configMapName: src.name };
        const set = volumeFiles(
          { ...as, name: vol.name, defaultMode: vol.defaultMode, optional: src.optional, ...(src.items ? { items: src.items } : {}) },
          pod,
          ctx,
          lookup,
          warn,
        );
        secret ||= set.secret;
        files.push(...set.files);
      }
    }
  }
  files = dedupe(files, where).sort((a, b) => compareText(a.path, b.path));
  // With a Secret inside, the files go where Secret volumes go (a tmpfs, per pod: files.ts).
  if (secret) return { key: pod.key, dir: secretDir(vol.name, pod, ctx), secret, files };
  const hash = sha256(JSON.stringify(files)).slice(0, 16);
  const root = ctx.stateDir.replace(/\/+$/, '');
  const dir = `${root}/files/${ctx.instance}/${pod.namespace}/${vol.type.toLowerCase()}/${pod.name}-${vol.name}/${hash}`;
  return { key: pod.key, dir, secret, files };
}

/** Two sources writing the same path: the later one wins, as in a projected volume on Kubernetes' atomic writer. */
function dedupe(files: FileEntry[], warn: Warn): FileEntry[] {
  const byPath = new Map<string, FileEntry>();
  for (const f of files) {
    if (byPath.has(f.path)) warn(`two sources write ${f.path}; the later one is kept`);
    byPath.set(f.path, f);
  }
  return [...byPath.values()];
}
