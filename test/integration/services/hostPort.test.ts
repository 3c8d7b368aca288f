/**
 * hostPort on a real engine: published by Docker itself; a port another process holds is a
 * clear failure of the revision (naming the port), not a crash, and nothing is left half made.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { createServer, type Server } from 'node:net';
import { ApplyHarness } from '../apply/harness';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';

const pod = (port: number) => `
apiVersion: v1
kind: Pod
metadata: { name: published }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "mkdir -p /www; echo published > /www/index.html; trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]
      ports: [{ containerPort: 80, hostPort: ${port} }]
`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '0.0.0.0', () => resolve((server.address() as { port: number }).port)));
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body.trim()));
      })
      .on('error', reject);
  });
}

describe('hostPort on a real engine', function () {
  this.timeout(60_000);
  let h: ApplyHarness;
  beforeEach(async () => (h = await ApplyHarness.create('hostport')));
  afterEach(async () => {
    await h.cleanup();
    await disposeManifestDirs();
  });

  it('publishes the container port on the host', async () => {
    const probe = createServer();
    const port = await listen(probe); // a free port, released before the apply
    await new Promise((r) => probe.close(r));
    await h.converge(await ManifestDir.create({ 'pod.yaml': pod(port) }));
    assert.equal(await get(port), 'published');
  });

  it('a host port held by another process: the revision fails naming the port; no container is left', async () => {
    const holder = createServer();
    const port = await listen(holder);
    try {
      const run = await h.apply(await ManifestDir.create({ 'pod.yaml': pod(port) }));
      assert.equal(run.outcome.type, 'failed', JSON.stringify(run.outcome));
      if (run.outcome.type === 'failed') assert.match(run.outcome.reason, new RegExp(`host port ${port} is already in use`));
      assert.deepEqual(
        (await h.podsOf('published')).flatMap((p) => p.containers.filter((c) => c.state === 'running')),
        [],
      );
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
