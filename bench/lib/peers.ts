/**
 * The tools berth is compared with in the `scale` scenario, and running them: Debian's
 * `docker-compose` (1.29, python) and `podman` (4.3). Missing ones are installed with
 * `apt-get install -y` when the bench runs as root on a machine with apt (after one
 * `apt-get update`), saying so; otherwise the bench prints how to install them and their
 * rows say "not installed". podman gets what it needs on these machines to run containers
 * (`default_ulimits = []` in /etc/containers/containers.conf, the bench image in its own
 * storage, catatonit for the pause image of its pods), checked with one `podman run --rm`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname } from 'node:path';

export interface CmdResult {
  argv: string[];
  /** Exit code; null when killed by a signal or the timeout, or when it could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall clock from spawn to exit, ms. */
  ms: number;
  /** Why it did not exit 0 (spawn error, signal, timeout), when it did not. */
  error?: string;
}

const running = new Set<ChildProcess>();

/**
 * Runs `argv` (no shell), with `input` on stdin when given, killed after `timeoutMs`.
 * Never throws: the result says how it ended. Output is kept up to the last 1 MiB of each
 * stream. Every child is known to `killRunning`, for Ctrl-C.
 */
export function runCmd(argv: readonly string[], opts: { timeoutMs?: number; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CmdResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let error: string | undefined;
    const keep = (s: string, c: Buffer): string => (s + c.toString()).slice(-1024 * 1024);
    child.stdout.on('data', (c: Buffer) => (stdout = keep(stdout, c)));
    child.stderr.on('data', (c: Buffer) => (stderr = keep(stderr, c)));
    child.stdin.on('error', () => undefined); // a child that exits without reading its input
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => {
      error = `timed out after ${((opts.timeoutMs ?? 0) / 1000).toFixed(0)} s`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000);
    child.on('error', (err) => (error ??= err.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code !== 0) error ??= signal ? `killed by ${signal}` : code === null ? 'did not start' : `exited ${code}`;
      resolve({ argv: [...argv], code, stdout, stderr, ms: performance.now() - t0, ...(error ? { error } : {}) });
    });
  });
}

/** SIGTERM to every child of runCmd still running, SIGKILL to those left after `graceMs`. */
export async function killRunning(graceMs = 3000): Promise<void> {
  const children = [...running];
  if (!children.length) return;
  const gone = Promise.all(
    children.map((c) => new Promise<void>((res) => (c.exitCode !== null || c.signalCode !== null ? res() : c.once('close', () => res())))),
  );
  for (const c of children) c.kill('SIGTERM');
  const timer = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), graceMs);
  await gone;
  clearTimeout(timer);
}

/** The last `lines` lines of a command's output (stdout then stderr), indented, for a failure report. */
export function tail(r: CmdResult, lines = 15): string {
  const text = `${r.stdout}\n${r.stderr}`.trim();
  const last = text.split('\n').slice(-lines);
  return `  $ ${r.argv.join(' ')}\n  -> ${r.error ?? 'ok'}${last.length && last[0] ? '\n' + last.map((l) => `  | ${l}`).join('\n') : ''}`;
}

export type Peer = { installed: true; version: string } | { installed: false; why: string };

export interface Peers {
  compose: Peer;
  podman: Peer;
}

/** First line of `<bin> version`-ish output, when the binary answers. */
async function versionOf(argv: string[]): Promise<string | undefined> {
  const r = await runCmd(argv, { timeoutMs: 20_000 });
  return r.code === 0 ? (r.stdout.trim() || r.stderr.trim()).split('\n')[0] : undefined;
}

const probes = {
  compose: () => versionOf(['docker-compose', 'version', '--short']).then((v) => v && `docker-compose ${v}`),
  podman: () => versionOf(['podman', '--version']),
} as const;

const DEBIAN_PACKAGE = { compose: 'docker-compose', podman: 'podman' } as const;

async function executable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** podman builds the infra (pause) image of kube play's pods from catatonit; Debian's podman only recommends it (or tini). */
async function catatonit(): Promise<boolean> {
  if (await executable('/usr/libexec/podman/catatonit')) return true;
  return (await runCmd(['sh', '-c', 'command -v catatonit'], { timeoutMs: 10_000 })).code === 0;
}

/**
 * docker-compose and podman (with catatonit): found, or installed with apt when missing and
 * possible (root, apt-get present), or reported missing with how to install them.
 */
export async function findPeers(log: (line: string) => void): Promise<Peers> {
  const found = { compose: await probes.compose(), podman: await probes.podman() };
  const missing = (Object.keys(found) as (keyof Peers)[]).filter((k) => found[k] === undefined);
  const packages: string[] = missing.map((k) => DEBIAN_PACKAGE[k]);
  if (!(await catatonit())) packages.push('catatonit');
  if (packages.length) {
    const what = `${packages.join(', ')}${packages.includes('catatonit') ? ' (podman kube play builds its pause image from catatonit)' : ''}`;
    const root = process.getuid?.() === 0;
    const apt = await executable('/usr/bin/apt-get');
    if (root && apt) {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      log(`not installed: ${what}; installing with apt-get (apt-get update, then apt-get install -y ${packages.join(' ')})...`);
      const update = await runCmd(['apt-get', 'update'], { timeoutMs: 300_000, env });
      if (update.code !== 0) log(`apt-get update failed (trying the install anyway):\n${tail(update)}`);
      const install = await runCmd(['apt-get', 'install', '-y', ...packages], { timeoutMs: 900_000, env });
      if (install.code !== 0) log(`apt-get install failed:\n${tail(install)}`);
      else log(`installed ${packages.join(' ')} in ${(install.ms / 1000).toFixed(0)} s`);
      for (const k of missing) found[k] = await probes[k]();
    } else {
      log(`not installed: ${what}; to compare with them: apt-get install ${packages.join(' ')} (as root)`);
    }
  }
  const peer = (k: keyof Peers): Peer => {
    const v = found[k];
    return v !== undefined ? { installed: true, version: v } : { installed: false, why: 'not installed' };
  };
  return { compose: peer('compose'), podman: peer('podman') };
}

export const CONTAINERS_CONF = '/etc/containers/containers.conf';

/**
 * `text` of a containers.conf with `default_ulimits = []` under `[containers]`, or
 * undefined when it already sets default_ulimits there (whatever to: that is left alone).
 */
export function withEmptyUlimits(text: string): string | undefined {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.trim() === '[containers]');
  if (header < 0) return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${text === '' ? '' : '\n'}[containers]\ndefault_ulimits = []\n`;
  let end = lines.findIndex((l, i) => i > header && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  if (lines.slice(header + 1, end).some((l) => /^\s*default_ulimits\s*=/.test(l))) return undefined;
  lines.splice(header + 1, 0, 'default_ulimits = []');
  return lines.join('\n');
}

/**
 * podman on these machines cannot apply its default ulimits (nofile) inside the machine's
 * own limits: every container fails to start unless containers.conf empties them.
 */
export async function ensurePodmanUlimits(log: (line: string) => void, file = CONTAINERS_CONF): Promise<void> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  const next = withEmptyUlimits(text ?? '');
  if (next === undefined) return;
  if (process.getuid?.() !== 0) {
    log(`podman: ${file} does not set default_ulimits under [containers]; containers may fail to start: add "default_ulimits = []" there (as root)`);
    return;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, next);
  log(
    `podman: ${text === undefined ? 'wrote' : 'added to'} ${file}: default_ulimits = [] under [containers] (podman's default ulimits cannot be applied here)`,
  );
}

export type PodmanReady = { ok: true; loadedImage: boolean } | { ok: false; why: string; loadedImage: boolean };

/**
 * Makes podman able to run `image` (the ulimits setting, the image loaded from the Docker
 * engine with `docker save | podman load` when podman's own storage lacks it), then checks
 * with one `podman run --rm IMAGE sh -c true`. `loadedImage`: the bench put the image there
 * and should remove it when done.
 */
export async function preparePodman(image: string, log: (line: string) => void): Promise<PodmanReady> {
  try {
    await ensurePodmanUlimits(log);
  } catch (err) {
    log(`podman: could not update ${CONTAINERS_CONF}: ${(err as Error).message}`);
  }
  let loadedImage = false;
  if ((await runCmd(['podman', 'image', 'exists', image], { timeoutMs: 60_000 })).code !== 0) {
    const load = await runCmd(['sh', '-c', `docker save '${image}' | podman load`], { timeoutMs: 300_000 });
    if (load.code !== 0) return { ok: false, why: `loading ${image} into podman failed:\n${tail(load)}`, loadedImage };
    loadedImage = true;
    log(`podman: loaded ${image} into podman's storage (docker save | podman load)`);
  }
  const check = await runCmd(['podman', 'run', '--rm', image, 'sh', '-c', 'true'], { timeoutMs: 120_000 });
  if (check.code !== 0) return { ok: false, why: `podman cannot run containers here:\n${tail(check)}`, loadedImage };
  return { ok: true, loadedImage };
}
