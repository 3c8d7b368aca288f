import * as assert from 'assert';
import { isBerthError } from '../../../src/util/errors';
import { DockerRuntime, PULL_HINT } from '../../../src/runtime/docker';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { ensureTestImage, PAUSE_COMMAND, REQUIRED_APPLETS, TEST_IMAGE, TEST_IMAGE_LABEL, TEST_IMAGE_VERSION } from '../../helpers/testImage';
import { busybox } from './fixtures';

describe('runtime/docker: images (real engine, no registry)', () => {
  let rt: DockerRuntime;
  let instance: string;

  before(() => {
    rt = testRuntime();
  });
  beforeEach(() => {
    instance = uniqueInstance('runtime');
  });
  afterEach(async () => {
    await cleanupInstance(rt, instance);
  });

  it('pulling an image that cannot be had fails with E_PULL naming it, with the preload hint', async () => {
    await assert.rejects(
      rt.pullImage('berth-test/does-not-exist:1', () => undefined),
      (e: unknown) => {
        assert.ok(isBerthError(e, 'E_PULL'), String(e));
        assert.match(e.message, /^cannot pull image "berth-test\/does-not-exist:1": \S/);
        assert.strictEqual(e.hint, PULL_HINT);
        assert.match(e.hint ?? '', /docker load/);
        return true;
      },
    );
  });

  it('fails the same way for a ref without a tag, naming the ref as written', async () => {
    await assert.rejects(rt.pullImage('berth-test/does-not-exist'), (e: unknown) => {
      return isBerthError(e, 'E_PULL') && e.message.startsWith('cannot pull image "berth-test/does-not-exist": ');
    });
  });

  it('knows which images are present', async () => {
    await ensureTestImage({ runtime: rt });
    assert.strictEqual(await rt.hasImage(TEST_IMAGE), true);
    assert.strictEqual(await rt.hasImage('berth-test/does-not-exist:1'), false);
  });

  describe('ensureTestImage', () => {
    const ref = `berth-test/busybox-build-${process.pid}-${Date.now().toString(36)}:latest`;
    after(async () => {
      await rt.removeImage(ref);
    });

    it('builds the image from the host busybox when absent, and is idempotent', async function () {
      this.timeout(60_000);
      assert.strictEqual(await rt.hasImage(ref), false);
      assert.strictEqual(await ensureTestImage({ ref, runtime: rt }), ref);
      const first = await rt.inspectImage(ref);
      assert.strictEqual(first?.labels[TEST_IMAGE_LABEL], TEST_IMAGE_VERSION);
      assert.strictEqual(await ensureTestImage({ ref, runtime: rt }), ref);
      assert.strictEqual((await rt.inspectImage(ref))?.id, first?.id, 'a second call must not rebuild');
    });

    it('has every required applet, PATH=/bin and sh as default command', async function () {
      this.timeout(30_000);
      const check = `for a in ${REQUIRED_APPLETS.map((a) => `'${a}'`).join(' ')}; do test -x "/bin/$a" || { echo "missing $a"; exit 1; }; done; echo "PATH=$PATH"`;
      const id = await rt.createContainer(busybox(instance, 'applets', ['sh', '-c', check], { image: ref }));
      await rt.startContainer(id);
      const done = await waitExited(rt, id);
      assert.strictEqual(done.exitCode, 0, await rt.logs(id, 5));
      assert.strictEqual(await rt.logs(id, 5), 'PATH=/bin\n');
    });

    it('runs /pause as a pod infra container that stops cleanly on SIGTERM', async function () {
      this.timeout(30_000);
      const id = await rt.createContainer(busybox(instance, 'pause', PAUSE_COMMAND, { image: ref, cmd: PAUSE_COMMAND }));
      await rt.startContainer(id);
      assert.strictEqual((await rt.inspectContainer(id)).state, 'running');
      await rt.stopContainer(id, 20);
      const d = await rt.inspectContainer(id);
      assert.strictEqual(d.exitCode, 0, 'exit 0 means the TERM trap ran; 137 would mean SIGKILL after the timeout');
    });
  });
});

async function waitExited(rt: DockerRuntime, id: string) {
  return pollUntil(
    async () => {
      const d = await rt.inspectContainer(id);
      return d.state === 'exited' ? d : undefined;
    },
    { timeoutMs: 15_000, what: `container ${id} to exit` },
  );
}
