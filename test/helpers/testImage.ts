/**
 * The local test image, built without a registry: the host's statically linked busybox,
 * one symlink per applet, imported with `docker import`. Tests need only the engine and
 * the Debian package busybox-static.
 */
import { createDockerRuntime, DockerRuntime } from '../../src/runtime/docker';
import { findBusybox, importBusyboxImage, layoutRootfs as layoutBusyboxRootfs, PAUSE_SCRIPT, type BusyboxImageSpec } from '../../src/runtime/busyboxImage';

export { elfInterpreter, findBusybox, PAUSE_SCRIPT } from '../../src/runtime/busyboxImage';

export const TEST_IMAGE = 'berth-test/busybox:latest';
/** Bumped whenever the image's content changes; an image with another value is rebuilt. */
export const TEST_IMAGE_VERSION = '2';
export const TEST_IMAGE_LABEL = 'io.berth.test-image';

/** Applets tests may rely on: building fails when the host busybox lacks one. */
export const REQUIRED_APPLETS = [
  'sh',
  'httpd',
  'nc',
  'sleep',
  'wget',
  'ls',
  'cat',
  'echo',
  'env',
  'true',
  'false',
  'kill',
  'ps',
  'mkdir',
  'rm',
  'id',
  'hostname',
  'grep',
  'sed',
  'head',
  'tail',
  'date',
  'seq',
  'touch',
  'test',
  'ip',
  'ifconfig',
  'nslookup',
  'printf',
  'chmod',
  'ln',
  'sync',
];
/** Linked too when this busybox has them. */
const EXTRA_APPLETS = [
  '[',
  'awk',
  'cp',
  'mv',
  'wc',
  'cut',
  'tr',
  'sort',
  'uname',
  'xargs',
  'find',
  'stat',
  'pwd',
  'mktemp',
  'timeout',
  'netstat',
  'basename',
  'dirname',
  'tee',
  'usleep',
  'whoami',
  'md5sum',
  'sha256sum',
  'dd',
];

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

/** Lays out the test image's root filesystem in a fresh temp dir and returns it. */
export function layoutRootfs(busybox: string): string {
  return layoutBusyboxRootfs(busybox, imageSpec());
}

function imageSpec(): BusyboxImageSpec {
  return {
    required: REQUIRED_APPLETS,
    optional: EXTRA_APPLETS,
    scripts: { pause: PAUSE_SCRIPT },
    changes: [`LABEL ${TEST_IMAGE_LABEL}=${TEST_IMAGE_VERSION}`],
  };
}

export async function buildTestImage(runtime: DockerRuntime, ref: string, busybox: string): Promise<void> {
  await importBusyboxImage(runtime, ref, busybox, imageSpec());
}
