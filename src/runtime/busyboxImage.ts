/**
 * A busybox image made without a registry: the host's statically linked busybox (Debian's
 * busybox-static), one symlink per applet, imported with `docker import`. The test suite
 * builds its image this way, and the quick start falls back to it when `busybox:1.36`
 * cannot be pulled (a machine without registry access).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DockerRuntime } from './docker';

/**
 * Holds a pod's namespaces until SIGTERM, like registry.k8s.io/pause, for busybox pause
 * images (`/pause`). `sleep` alone as PID 1 ignores SIGTERM and every stop would wait for SIGKILL.
 */
export const PAUSE_SCRIPT = "#!/bin/sh\ntrap 'exit 0' TERM INT\nsleep 2147483647 &\nwait\n";

export interface BusyboxImageSpec {
  /** Applets that must exist (building fails without them). */
  required: readonly string[];
  /** Linked too when this busybox has them. */
  optional?: readonly string[];
  /** Extra files at the image root: name -> executable script. */
  scripts?: Record<string, string>;
  /** `docker import --change` lines besides CMD and PATH (LABEL ...). */
  changes?: string[];
}

/** /bin/busybox, else the first busybox on PATH; it must be statically linked. */
export function findBusybox(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = ['/bin', ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  const found = dirs.map((d) => path.join(d, 'busybox')).find((f) => isExecutable(f));
  if (!found) throw new Error('no busybox found in /bin or on PATH: run `apt-get install busybox-static`');
  const interp = elfInterpreter(fs.readFileSync(found));
  if (interp !== undefined) {
    throw new Error(`${found} is dynamically linked (interpreter ${interp}) and cannot run in an empty image: run \`apt-get install busybox-static\``);
  }
  return found;
}

function isExecutable(f: string): boolean {
  try {
    fs.accessSync(f, fs.constants.X_OK);
    return fs.statSync(f).isFile();
  } catch {
    return false;
  }
}

const PT_INTERP = 3;

/** The program interpreter an ELF executable asks for (undefined: statically linked). */
export function elfInterpreter(buf: Buffer): string | undefined {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const word = (o: number): number => (is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (u32(ph) !== PT_INTERP) continue;
    const offset = word(ph + (is64 ? 0x08 : 0x04));
    const size = word(ph + (is64 ? 0x20 : 0x10));
    return buf
      .subarray(offset, offset + size)
      .toString('latin1')
      .replace(/\0+$/, '');
  }
  return undefined;
}

/** Applets this busybox binary provides (`busybox --list`). */
function appletsOf(busybox: string): Set<string> {
  return new Set(execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean));
}

/** Lays out the root filesystem in a fresh temp dir and returns it. */
export function layoutRootfs(busybox: string, spec: BusyboxImageSpec): string {
  const have = appletsOf(busybox);
  const missing = spec.required.filter((a) => !have.has(a));
  if (missing.length > 0) throw new Error(`${busybox} lacks applets ${missing.join(', ')}: install busybox-static`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-busybox-image-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const applet of [...spec.required, ...(spec.optional ?? []).filter((a) => have.has(a))]) {
    fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  }
  for (const [name, text] of Object.entries(spec.scripts ?? {})) fs.writeFileSync(path.join(root, name), text, { mode: 0o755 });
  return root;
}

/** Builds `ref` from `busybox` (see findBusybox) with `docker import`. */
export async function importBusyboxImage(runtime: DockerRuntime, ref: string, busybox: string, spec: BusyboxImageSpec): Promise<void> {
  const root = layoutRootfs(busybox, spec);
  try {
    const tar = spawn('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    tar.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const tarDone = new Promise<void>((resolve, reject) => {
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${stderr}`))));
    });
    const changes = ['CMD ["sh"]', 'ENV PATH=/bin', ...(spec.changes ?? [])];
    await Promise.all([runtime.importImage(tar.stdout, ref, changes), tarDone]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
