/**
 * Images for the quick start: each image of the template is pulled when missing. On a
 * machine that cannot reach a registry, a `busybox:*` image is replaced by a local stand-in
 * built from Debian's busybox-static (same applets the template uses), and the user is told
 * so, with the command that removes it. Any other image fails with the pull error.
 */
import type { DockerRuntime } from '../runtime';
import { findBusybox, importBusyboxImage, PAUSE_SCRIPT } from '../runtime';
import { messageOf } from '../util';

const STAND_IN_APPLETS = ['sh', 'httpd', 'nc', 'sleep', 'wget', 'cat', 'echo', 'ls', 'mkdir', 'grep', 'date', 'hostname', 'env', 'true', 'test', 'printf'];
export const STAND_IN_LABEL = 'io.berth.stand-in';

export type ImageOutcome = { image: string; how: 'present' | 'pulled' } | { image: string; how: 'stand-in'; pullError: string };

/** The image as it is, pulled, or the pull's error. */
async function presentOrPulled(runtime: DockerRuntime, image: string): Promise<{ how: 'present' | 'pulled' } | { how: 'unpullable'; error: unknown }> {
  if (await runtime.hasImage(image)) return { how: 'present' };
  try {
    await runtime.pullImage(image);
    return { how: 'pulled' };
  } catch (error) {
    return { how: 'unpullable', error };
  }
}

export async function ensureQuickstartImage(runtime: DockerRuntime, image: string): Promise<ImageOutcome> {
  const got = await presentOrPulled(runtime, image);
  if (got.how !== 'unpullable') return { image, how: got.how };
  if (!/^(docker\.io\/)?(library\/)?busybox(:|$)/.test(image)) throw got.error;
  const busybox = findBusybox();
  await importBusyboxImage(runtime, image, busybox, { required: STAND_IN_APPLETS, changes: [`LABEL ${STAND_IN_LABEL}=${busybox}`] });
  return { image, how: 'stand-in', pullError: messageOf(got.error) };
}

/** A local pause image: busybox-static plus a script that sleeps until SIGTERM, like registry.k8s.io/pause. */
export const LOCAL_PAUSE_IMAGE = 'berth-local/pause:busybox';

/**
 * The infra image of multi-container pods and Service anchors: `image` when present or
 * pullable; else a local stand-in (returned with its command, for --pause-image/--pause-command).
 */
export async function ensurePauseImage(runtime: DockerRuntime, image: string): Promise<{ image: string; command?: string; pullError?: string }> {
  const got = await presentOrPulled(runtime, image);
  if (got.how !== 'unpullable') return { image };
  if (!(await runtime.hasImage(LOCAL_PAUSE_IMAGE))) {
    await importBusyboxImage(runtime, LOCAL_PAUSE_IMAGE, findBusybox(), {
      required: ['sh', 'sleep'],
      scripts: { pause: PAUSE_SCRIPT },
      changes: [`LABEL ${STAND_IN_LABEL}=pause`],
    });
  }
  return { image: LOCAL_PAUSE_IMAGE, command: '/pause', pullError: messageOf(got.error) };
}
