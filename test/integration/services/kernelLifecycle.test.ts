/**
 * Kernel forwarding through the CLI, on the real engine: `berth apply` in userspace mode runs
 * the instance's proxy process; the same apply with `--proxy-mode kernel` replaces them by berth's nft
 * tables (host and anchor), which `berth get endpoints` shows and which forward a NodePort
 * at 127.0.0.1 and a ClusterIP name; `berth delete` leaves no rule and no proxy behind.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { observe } from '../../../src/observe';
import { ProxySupervisor } from '../../../src/services/proxy';
import { kernelSupport } from '../../../src/services/kernel/mode';
import { HOST, ipTables } from '../../../src/services/kernel/nft';
import { kernelTableName } from '../../../src/services/kernel/ruleset';
import { kernelStatePath } from '../../../src/services/kernel/state';
import { serviceAnchorsAvailable } from '../../../src/services/anchors';
import { pollUntil } from '../../../src/util/eventually';
import { existsSync } from 'node:fs';
import { runCli } from '../../helpers/cli';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { ensureTestImage, PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';

const nodePort = 31760 + Math.floor(Math.random() * 30);

const manifests = `
apiVersion: v1
kind: Pod
metadata: { name: web-pod, labels: { app: web } }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: web
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
      command: ["sh", "-c", "mkdir -p /www; echo web > /www/index.html; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
      ports: [{ name: http, containerPort: 8080 }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http, nodePort: ${nodePort} }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: c, image: ${TEST_IMAGE}, imagePullPolicy: Never, command: [/pause] }]
`;

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 3000 }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body.trim()));
      })
      .on('error', reject);
  });
}

describe('kernel forwarding through the CLI: apply, switch of mode, get, delete', function () {
  this.timeout(180_000);
  const runtime = testRuntime();
  const instance = uniqueInstance('kernel-cli');
  let stateDir: string;

  before(async function () {
    if (!serviceAnchorsAvailable() || !(await kernelSupport()).ok) this.skip();
    await ensureTestImage({ runtime });
    stateDir = await mkdtemp(path.join(tmpdir(), 'berth-kernel-cli-'));
  });
  after(async () => {
    await cleanupInstance(runtime, instance);
    await disposeManifestDirs();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('userspace proxies give way to nft tables; delete removes them', async () => {
    const dir = await ManifestDir.create({ 'app.yaml': manifests });
    const common = ['--instance', instance, '--state-dir', stateDir, '--pause-image', TEST_IMAGE, '--pause-command', PAUSE_COMMAND.join(' ')];
    const proxy = new ProxySupervisor({ stateDir, instance });

    let r = await runCli(['apply', dir.path, ...common, '--proxy-mode', 'userspace']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(await proxy.running(), 'userspace: the proxy runs');
    assert.equal(await pollUntil(() => get(nodePort).catch(() => undefined), { timeoutMs: 10_000, what: 'the NodePort through the proxy' }), 'web');

    r = await runCli(['apply', dir.path, ...common, '--proxy-mode', 'kernel']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await proxy.running(), undefined, 'kernel: no proxy process');
    const table = kernelTableName(instance);
    assert.ok((await ipTables(HOST))?.includes(table), 'the host table exists');
    const anchor = (await observe(runtime, instance)).pods.find((p) => p.kind === 'Service')!.infra!;
    const anchorPid = (await runtime.inspectContainer(anchor.id)).pid!;
    assert.ok((await ipTables({ kind: 'pid', pid: anchorPid }))?.includes(table), "the anchor's table exists");
    assert.equal(await pollUntil(() => get(nodePort).catch(() => undefined), { timeoutMs: 10_000, what: 'the NodePort through the rules' }), 'web');
    const client = (await observe(runtime, instance)).pods.find((p) => p.name === 'client')!.containers[0].id;
    const viaName = await runtime.exec(client, ['sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 web 80 | tail -1'], 10_000);
    assert.equal(viaName.output.trim(), 'web', `the ClusterIP name through the anchor rules; apply said: ${r.stdout}${r.stderr}`);

    const got = await runCli(['get', 'endpoints', '--instance', instance, '--state-dir', stateDir]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, new RegExp(`default/web:80 +TCP 0\\.0\\.0\\.0:${nodePort} +ok +\\S+:8080`));
    assert.match(got.stdout, /default\/web:80 +TCP 0\.0\.0\.0:80 \(in the anchor\) +ok +\S+:8080/);

    r = await runCli(['delete', dir.path, ...common]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /remove the Service forwarding rules/);
    assert.equal((await ipTables(HOST))?.includes(table), false, 'no host table left');
    assert.equal(existsSync(kernelStatePath(stateDir, instance)), false);
    assert.equal(existsSync(kernelStatePath(stateDir, instance, anchorPid)), false);
  });
});
