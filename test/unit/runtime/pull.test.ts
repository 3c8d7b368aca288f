import * as assert from 'assert';
import { Readable } from 'stream';
import { createDockerRuntime, PULL_HINT } from '../../../src/runtime/docker';
import { isBerthError } from '../../../src/util/errors';
import type { PullProgress } from '../../../src/runtime/types';

/**
 * The pull stream's in-band `error` field cannot be provoked on a machine without a
 * registry; here the engine's answer is replayed through the real docker-modem.
 */
function runtimeAnswering(lines: object[]) {
  const rt = createDockerRuntime({ socketPath: '/nonexistent/docker.sock' });
  const pulled: string[] = [];
  const docker = (rt as unknown as { docker: { pull: (ref: string) => Promise<Readable> } }).docker;
  docker.pull = async (ref: string) => {
    pulled.push(ref);
    const body = lines.map((l) => JSON.stringify(l) + '\n').join('');
    return Readable.from([Buffer.from(body.slice(0, 7)), Buffer.from(body.slice(7))]);
  };
  return { rt, pulled };
}

describe('runtime/docker pullImage (replayed engine stream)', () => {
  it('fails with E_PULL when the stream reports an error, after passing on progress', async () => {
    const { rt, pulled } = runtimeAnswering([
      { status: 'Pulling from team/app', id: 'v2' },
      { status: 'Downloading', id: 'l1', progressDetail: { current: 10, total: 100 } },
      { errorDetail: { message: 'manifest for team/app:v2 not found' }, error: 'manifest for team/app:v2 not found' },
    ]);
    const progress: PullProgress[] = [];
    await assert.rejects(
      rt.pullImage('team/app:v2', (p) => progress.push(p)),
      (e: unknown) => {
        return isBerthError(e, 'E_PULL') && e.message === 'cannot pull image "team/app:v2": manifest for team/app:v2 not found' && e.hint === PULL_HINT;
      },
    );
    assert.deepStrictEqual(pulled, ['team/app:v2']);
    assert.deepStrictEqual(progress[1], { status: 'Downloading', id: 'l1', current: 10, total: 100 });
  });

  it('succeeds on a clean stream, pulling :latest for a ref without a tag', async () => {
    const { rt, pulled } = runtimeAnswering([{ status: 'Pulling from library/app' }, { status: 'Status: Downloaded newer image' }]);
    await rt.pullImage('app');
    assert.deepStrictEqual(pulled, ['app:latest']);
  });

  it('reports an unreachable engine as E_ENGINE, not as a pull problem', async () => {
    const rt = createDockerRuntime({ socketPath: '/nonexistent/docker.sock' });
    await assert.rejects(rt.pullImage('app:1'), (e: unknown) => isBerthError(e, 'E_ENGINE') && /is the Docker engine running/.test(e.hint ?? ''));
  });
});
