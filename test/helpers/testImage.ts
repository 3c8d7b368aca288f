/**
 * The local test image, built without a registry: the host's statically linked busybox,
 * one symlink per applet, imported with `docker import`. Tests need only the engine and
 * the Debian package busybox-static.
 */
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createDockerRuntime, DockerRuntime } from '../../src/runtime/docker';

export const TEST_IMAGE = 'berth-test/busybox:latest';
/** Bumped whenever the image's content changes; an image with another value is rebuilt. */
export const TEST_IMAGE_VERSION = '2';
export const TEST_IMAGE_LABEL = 'io.berth.test-image';

/** Applets tests may rely on: building fails when the host busybox lacks one. */
export const REQUIRED_APPLETS = [
  'sh', 'httpd', 'nc', 'sleep', 'wget', 'ls', 'cat', 'echo', 'env', 'true', 'false', 'kill', 'ps',
  'mkdir', 'rm', 'id', 'hostname', 'grep', 'sed', 'head', 'tail', 'date', 'seq', 'touch', 'test',
  'ip', 'ifconfig', 'nslookup', 'printf', 'chmod', 'ln', 'sync',
];
/** Linked too when this busybox has them. */
const EXTRA_APPLETS = ['[', 'awk', 'cp', 'mv', 'wc', 'cut', 'tr', 'sort', 'uname', 'xargs', 'find', 'stat', 'pwd',
  'mktemp', 'timeout', 'netstat', 'basename', 'dirname', 'tee', 'usleep', 'whoami', 'md5sum', 'sha256sum', 'dd'];

/**
 * Holds a pod's namespaces until SIGTERM, like registry.k8s.io/pause. `sleep` alone as
 * PID 1 ignores SIGTERM and would make every stop wait for SIGKILL.
 */
export const PAUSE_SCRIPT = "#!/bin/sh\ntrap 'exit 0' TERM INT\nsleep 2147483647 &\nwait\n";
/** Command of a pod infra container on the test image. */
export const PAUSE_COMMAND = ['/pause'];

const building = new Map<string, Promise<string>>();

/** `ref` (default TEST_IMAGE), built when absent or of another TEST_IMAGE_VERSION. */
export function ensureTestImage(opts: { ref?: string; runtime?: DockerRuntime } = {}): Promise<string> {
  const ref = opts.ref ?? TEST_IMAGE;
  let p = building.get(ref);
  if (!p) {
    p = ensure(ref, opts.runtime ?? createDockerRuntime());
    building.set(ref, p);
    p.catch(() => building.delete(ref));
  }
  return p;
}

async function ensure(ref: string, runtime: DockerRuntime): Promise<string> {
  const image = await runtime.inspectImage(ref);
  if (image?.labels[TEST_IMAGE_LABEL] === TEST_IMAGE_VERSION) return ref;
  await buildTestImage(runtime, ref, findBusybox());
  // The image we replaced is now untagged; drop it unless a container still uses it.
  if (image) await runtime.removeImage(image.id, false).catch(() => undefined);
  return ref;
}

/** /bin/busybox, else the first busybox on PATH; it must be statically linked. */
export function findBusybox(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = ['/bin', ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  const found = dirs.map((d) => path.join(d, 'busybox')).find((f) => isExecutable(f));
  if (!found) throw new Error('no busybox found in /bin or on PATH: run `apt-get install busybox-static`');
  const interp = elfInterpreter(fs.readFileSync(found));
  if (interp !== undefined) {
    throw new Error(
      `${found} is dynamically linked (interpreter ${interp}) and cannot run in an empty image: ` +
        'run `apt-get install busybox-static`',
    );
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
    return buf.subarray(offset, offset + size).toString('latin1').replace(/\0+$/, '');
  }
  return undefined;
}

/** Applets this busybox binary provides (`busybox --list`). */
function appletsOf(busybox: string): Set<string> {
  return new Set(execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean));
}

/** Lays out the root filesystem in a fresh temp dir and returns it. */
export function layoutRootfs(busybox: string): string {
  const have = appletsOf(busybox);
  const missing = REQUIRED_APPLETS.filter((a) => !have.has(a));
  if (missing.length > 0) throw new Error(`${busybox} lacks applets ${missing.join(', ')}: install busybox-static`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-test-image-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'tmp'), { mode: 0o1777 });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  for (const applet of [...REQUIRED_APPLETS, ...EXTRA_APPLETS.filter((a) => have.has(a))]) {
    fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  }
  fs.writeFileSync(path.join(root, 'pause'), PAUSE_SCRIPT, { mode: 0o755 });
  return root;
}

export async function buildTestImage(runtime: DockerRuntime, ref: string, busybox: string): Promise<void> {
  const root = layoutRootfs(busybox);
  try {
    const tar = spawn('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-cf', '-', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    tar.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const tarDone = new Promise<void>((resolve, reject) => {
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${stderr}`))));
    });
    const changes = ['CMD ["sh"]', 'ENV PATH=/bin', `LABEL ${TEST_IMAGE_LABEL}=${TEST_IMAGE_VERSION}`];
    await Promise.all([runtime.importImage(tar.stdout, ref, changes), tarDone]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
