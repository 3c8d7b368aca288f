/**
 * The image benchmarks run: `berth-test/busybox:latest`, the one the tests build. When it is
 * missing, the bench builds it the same way (the host's static busybox, `docker import`,
 * src/runtime/busyboxImage.ts) with only the applets benchmarks need. It carries no
 * test-image version label, so the test suite rebuilds it with its full spec when it runs.
 */
import { findBusybox, importBusyboxImage, PAUSE_SCRIPT, type BusyboxImageSpec } from '../../src/runtime/busyboxImage';
import type { DockerRuntime } from '../../src/runtime/docker';

export const BENCH_IMAGE = 'berth-test/busybox:latest';

/** Pod infra command on the image (`berth run --pause-command /pause`). */
export const BENCH_PAUSE_COMMAND = '/pause';

export const BENCH_IMAGE_SPEC: BusyboxImageSpec = {
  required: ['sh', 'httpd', 'sleep', 'printf', 'echo', 'mkdir', 'chmod', 'cat', 'wget', 'nc'],
  scripts: { pause: PAUSE_SCRIPT },
  changes: ['LABEL io.berth.bench-image=1'],
};

/** `ref` (default BENCH_IMAGE), built when absent. Returns true when it had to be built. */
export async function ensureBenchImage(runtime: DockerRuntime, ref = BENCH_IMAGE): Promise<boolean> {
  if (await runtime.inspectImage(ref)) return false;
  await importBusyboxImage(runtime, ref, findBusybox(), BENCH_IMAGE_SPEC);
  return true;
}
