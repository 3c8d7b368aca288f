/**
 * Where Secret volume files live: a tmpfs on the host, never persistent disk.
 *
 * Why a host tmpfs directory bind-mounted read-only, rather than Docker tmpfs-backed volumes
 * filled by berth: the files go from berth's memory to RAM-backed files directly, never
 * through the Docker API (no archive upload, no helper container per pod, nothing in the
 * engine's events or `docker inspect` but the path), and the existing read-only bind mount
 * stays as it is. berth does not mount a tmpfs itself (that needs CAP_SYS_ADMIN): it uses the
 * first of `--secrets-dir`, `$XDG_RUNTIME_DIR/berth`, `/run/berth`, `/dev/shm/berth` that is
 * on a tmpfs, and refuses to write a Secret file anywhere else. After a host reboot the
 * tmpfs is empty; berth writes the files again before it starts or replaces the pods.
 *
 * Layout: `<root>/<instance>/<namespace>/<pod>/<volume>-<hash>/` (plan/files.ts), one
 * directory per pod, removed when the pod is gone (`pruneSecretFiles`).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BerthError, messageOf } from '../util';

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/** Whether `p` (or, when it does not exist yet, its nearest existing ancestor) is on a tmpfs. */
export async function onTmpfs(p: string): Promise<boolean> {
  let dir = path.resolve(p);
  for (;;) {
    try {
      const st = await fs.statfs(dir);
      return st.type === TMPFS_MAGIC || st.type === RAMFS_MAGIC;
    } catch (err) {
      const parent = path.dirname(dir);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === dir) return false;
      dir = parent;
    }
  }
}

export function secretsDirCandidates(env: NodeJS.ProcessEnv): string[] {
  return [...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'berth')] : []), '/run/berth', '/dev/shm/berth'];
}

/** The root for Secret files: the one given (it must be a tmpfs), else the first tmpfs candidate. */
export async function resolveSecretsDir(given: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (given) {
    if (!(await onTmpfs(given)))
      throw new BerthError(
        'E_USAGE',
        `--secrets-dir ${given} is not on a tmpfs`,
        'Secret files must never reach persistent disk: name a tmpfs (e.g. under /run or /dev/shm)',
      );
    return path.resolve(given);
  }
  for (const dir of secretsDirCandidates(env)) if (await onTmpfs(dir)) return dir;
  throw new BerthError('E_USAGE', `no tmpfs for Secret files among ${secretsDirCandidates(env).join(', ')}`, 'mount a tmpfs and name it with --secrets-dir');
}

/** Refuse a Secret file outside a tmpfs: the guarantee does not depend on who planned the path. */
export async function assertSecretTarget(dir: string): Promise<void> {
  if (!(await onTmpfs(dir)))
    throw new BerthError('E_IO', `refusing to write Secret files to ${dir}: not a tmpfs`, 'Secret files live on a tmpfs (--secrets-dir)');
}

/** Remove the Secret files of pods (`<ns>/<pod>`) that no longer exist. Returns how many went. */
export async function pruneSecretFiles(root: string, instance: string, keep: ReadonlySet<string>): Promise<number> {
  const base = path.join(root, instance);
  let removed = 0;
  for (const ns of await dirs(base)) {
    for (const pod of await dirs(path.join(base, ns))) {
      if (keep.has(`${ns}/${pod}`)) continue;
      await fs.rm(path.join(base, ns, pod), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

async function dirs(p: string): Promise<string[]> {
  try {
    return (await fs.readdir(p, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new BerthError('E_IO', `cannot list Secret files under ${p}: ${messageOf(err)}`);
  }
}

/** The Secret files of one instance, for the applier: the root (resolved once) and pruning. */
export class SecretFiles {
  private root?: Promise<string>;

  constructor(
    private readonly given: string | undefined,
    private readonly instance: string,
  ) {}

  dir(): Promise<string> {
    this.root ??= resolveSecretsDir(this.given);
    return this.root;
  }

  /** After a look at the engine: files of pods neither live nor terminating go. */
  async prune(observed: { pods: readonly PodName[]; terminating?: readonly PodName[] }): Promise<void> {
    const present = [...observed.pods, ...(observed.terminating ?? [])].map((p) => `${p.namespace}/${p.name}`);
    await pruneSecretFiles(await this.dir(), this.instance, new Set(present));
  }
}

interface PodName {
  namespace: string;
  name: string;
}
