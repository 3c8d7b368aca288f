/**
 * `berth validate` as a pre-commit hook runs it: several files (and directories) at once,
 * validated together; FILE:LINE:COL in every line; skipped files named; exit 0 / 1 / 2.
 * The built CLI as a child process; no engine is needed.
 */
import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeRun, runCli } from '../../helpers/cli';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
      - name: web
        image: nginx:1.27
        envFrom:
        - configMapRef: { name: settings }
`;
const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  MODE: fast
`;
const BAD_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: My_Service
spec:
  ports:
  - port: 80
`;
const ACCOUNT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
`;

describe('berth validate FILE...', function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-validate-'));
    await fs.mkdir(path.join(dir, 'more'));
    const files: Record<string, string> = {
      'deploy.yaml': DEPLOYMENT,
      'more/settings.yaml': CONFIGMAP,
      'bad.yaml': BAD_SERVICE,
      'account.yaml': ACCOUNT,
      'kustomization.yaml': 'resources:\n- deploy.yaml\n',
    };
    for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
  });
  after(async () => fs.rm(dir, { recursive: true, force: true }));

  it('takes several files and a directory together (a reference may cross them): exit 0', async () => {
    const r = await runCli(['validate', 'deploy.yaml', 'more', 'account.yaml'], { cwd: dir });
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, /^account\.yaml:2:7: warning: kind: ServiceAccount is accepted but has no effect on a Docker host: /m);
    assert.match(r.stderr, /3 documents valid, 1 warning\(s\)/);
  });

  it('a file alone fails on the reference it makes to a file not given: exit 1 naming FILE:LINE', async () => {
    const r = await runCli(['validate', 'deploy.yaml'], { cwd: dir });
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stdout, /^deploy\.yaml:14:\d+: .*settings/m);
  });

  it('quotes the bad value with FILE:LINE:COL: exit 1', async () => {
    const r = await runCli(['validate', 'bad.yaml', 'deploy.yaml', 'more/settings.yaml'], { cwd: dir });
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stdout, /^bad\.yaml:4:9: metadata\.name: invalid value "My_Service": must be a DNS-1035 label/m);
    assert.doesNotMatch(r.stdout, /^deploy\.yaml/m);
  });

  it('names a skipped kustomization.yaml in a note, and does not fail on it', async () => {
    const r = await runCli(['validate', 'kustomization.yaml', 'more/settings.yaml'], { cwd: dir });
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, /^kustomization\.yaml:1:1: note: a kustomize file, not a manifest: skipped/m);
    assert.match(r.stderr, /1 file\(s\) skipped/);
  });

  it('a directory keeps naming files relative to it, as before', async () => {
    const r = await runCli(['validate', dir]);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stdout, /^bad\.yaml:4:9: /m);
  });

  it('a missing path is an error: exit 2', async () => {
    const r = await runCli(['validate', 'deploy.yaml', 'nope.yaml'], { cwd: dir });
    assert.equal(r.code, 2, describeRun(r));
    assert.match(r.stderr, /nope\.yaml.*does not exist/);
  });
});
