/**
 * ConfigMap and Secret volumes become files the executor writes, bind-mounted read-only.
 * ConfigMaps: `<stateDir>/files/<instance>/<ns>/configmap/<name>/<contentHash>/`,
 * content-addressed: changed content is a new directory, so a running pod never sees its
 * files change under it (its spec hash changes and it is replaced).
 * Secrets: on a tmpfs, one directory per pod, `<secretsDir>/<instance>/<ns>/<pod>/<volume>-<specHash>/`,
 * removed with the pod (secrets/tmpfs.ts). The pod's spec hash, not a hash of the content,
 * names it: a path shown by `docker inspect` must not be a fingerprint of the secret alone.
 * Secret files get mode 0400, ConfigMap files the volume's defaultMode; `items` select and
 * rename keys. A ConfigMap read from a sops file was a secret in git: its files go where
 * Secret files go (with its defaultMode), never to persistent disk.
 */
import type { Volume } from '../model';
import { sha256 } from './names';
import type { ConfigLookup } from './lookup';
import type { DesiredPod, FileEntry, PlanContext } from './types';
import { compareText } from '../util';

export interface FileSet {
  /** `ConfigMap/<ns>/<name>` or `Secret/<ns>/<name>` */
  key: string;
  dir: string;
  secret: boolean;
  files: FileEntry[];
}

type ConfigVolume = Extract<Volume, { type: 'configMap' } | { type: 'secret' }>;

export const SECRET_FILE_MODE = 0o400;

export function volumeFiles(
  vol: ConfigVolume,
  pod: Pick<DesiredPod, 'namespace' | 'name' | 'specHash'>,
  ctx: PlanContext,
  lookup: ConfigLookup,
  warn: (m: string) => void,
): FileSet {
  const namespace = pod.namespace;
  const isSecret = vol.type === 'secret';
  const name = vol.type === 'secret' ? vol.secretName : vol.configMapName;
  const kind = isSecret ? 'Secret' : 'ConfigMap';
  const data = isSecret ? secretData(lookup, namespace, name) : configMapData(lookup, namespace, name);
  if (!data && !vol.optional) warn(`volume ${vol.name}: ${kind} ${namespace}/${name} not found; mounted empty`);
  const mode = isSecret ? SECRET_FILE_MODE : vol.defaultMode;
  const secret = isSecret || lookup.sealedConfigMap(namespace, name);
  const files: FileEntry[] = [];
  const wanted =
    vol.items ??
    Object.keys(data ?? {})
      .sort()
      .map((key) => ({ key, path: key }));
  for (const item of wanted) {
    const content = data?.[item.key];
    if (content === undefined) {
      if (data && !vol.optional) warn(`volume ${vol.name}: key ${item.key} of ${kind} ${namespace}/${name} not found; skipped`);
      continue;
    }
    if (!isSafeRelative(item.path)) {
      warn(`volume ${vol.name}: path "${item.path}" must be relative and stay inside the volume; skipped`);
      continue;
    }
    files.push({ path: item.path, contentBase64: content, mode });
  }
  files.sort((a, b) => compareText(a.path, b.path));
  const dir = secret ? secretDir(vol.name, pod, ctx) : configMapDir(name, namespace, files, ctx);
  return { key: `${kind}/${namespace}/${name}`, dir, secret, files };
}

function configMapDir(name: string, namespace: string, files: FileEntry[], ctx: PlanContext): string {
  const hash = sha256(JSON.stringify(files)).slice(0, 16);
  return `${ctx.stateDir.replace(/\/+$/, '')}/files/${ctx.instance}/${namespace}/configmap/${name}/${hash}`;
}

export function secretDir(volume: string, pod: Pick<DesiredPod, 'namespace' | 'name' | 'specHash'>, ctx: PlanContext): string {
  const root = (ctx.secretsDir ?? `${ctx.stateDir}/secrets`).replace(/\/+$/, '');
  return `${root}/${ctx.instance}/${pod.namespace}/${pod.name}/${volume}-${pod.specHash.slice(0, 16)}`;
}

/** key -> base64 content; ConfigMap `data` is text, `binaryData` base64 already. */
function configMapData(lookup: ConfigLookup, ns: string, name: string): Record<string, string> | undefined {
  const cm = lookup.configMap(ns, name);
  if (!cm) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cm.data)) out[k] = Buffer.from(v, 'utf8').toString('base64');
  for (const [k, v] of Object.entries(cm.binaryData)) out[k] = v;
  return out;
}

function secretData(lookup: ConfigLookup, ns: string, name: string): Record<string, string> | undefined {
  return lookup.secret(ns, name)?.data;
}

/** A relative path that cannot leave its directory. */
export function isSafeRelative(path: string): boolean {
  if (path === '' || path.startsWith('/')) return false;
  return path.split('/').every((seg) => seg !== '..' && seg !== '');
}
