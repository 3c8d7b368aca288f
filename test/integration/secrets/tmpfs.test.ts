/**
 * Secret volume files on the real engine: on a tmpfs, readable in the pod, nowhere in the
 * state directory or `docker inspect`, and gone with their pod.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { onTmpfs, resolveSecretsDir } from '../../../src/secrets/tmpfs';
import { pollUntil } from '../../../src/util/eventually';
import { ApplyHarness } from '../apply/harness';
import { ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';

const run = promisify(execFile);
const SENTINEL = 'tmpfs-Sentinel-7f3a91c2';

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: ${SENTINEL}
`;
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: reader
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${TEST_IMAGE}
      imagePullPolicy: Never
      command: ["sleep", "3600"]
      volumeMounts:
        - name: creds
          mountPath: /etc/creds
  volumes:
    - name: creds
      secret:
        secretName: creds
`;

/** Every file under `dir` whose bytes contain `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const full = path.join(e.parentPath ?? e.path, e.name);
    if ((await fs.readFile(full)).includes(needle)) hits.push(full);
  }
  return hits;
}

describe('Secret files on a tmpfs (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;
  let root: string;
  before(async () => {
    h = await ApplyHarness.create('secret-tmpfs');
    root = await resolveSecretsDir(undefined);
  });
  after(() => h.cleanup());

  it('the pod reads the file; its directory is on a tmpfs, private, per pod; no copy elsewhere', async () => {
    const dir = await ManifestDir.create({ 'secret.yaml': SECRET, 'pod.yaml': POD });
    const applied = await h.apply(dir);
    assert.equal(applied.outcome.type, 'converged', JSON.stringify(applied.outcome));
    assert.equal((await h.execUntilOk('reader', 'app', ['cat', '/etc/creds/password'])).trim(), SENTINEL);
    const podDir = path.join(root, h.instance, 'default', 'reader');
    assert.ok(await onTmpfs(podDir), `${podDir} is not on a tmpfs`);
    assert.equal((await fs.stat(path.join(root, h.instance))).mode & 0o777, 0o700);
    assert.deepEqual(await filesContaining(h.stateDir, SENTINEL), []);
    const id = await h.containerId('reader', 'app');
    const { stdout } = await run('docker', ['inspect', id]);
    assert.ok(!stdout.includes(SENTINEL), 'docker inspect shows the Secret value');
    const mounts = JSON.parse(stdout)[0].Mounts as { Source: string; Destination: string }[];
    assert.ok(mounts.find((m) => m.Destination === '/etc/creds')?.Source.startsWith(podDir + '/'));
  });

  it('the files go when their pod goes', async () => {
    const podDir = path.join(root, h.instance, 'default', 'reader');
    const dir = await ManifestDir.create({ 'secret.yaml': SECRET });
    await pollUntil(
      async () => {
        await h.apply(dir, { prune: true });
        const gone = await fs.stat(podDir).then(
          () => false,
          () => true,
        );
        return gone ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `${podDir} removed with its pod` },
    );
  });
});
