/**
 * `npm start` (dist/src/cli/quickstart.js) as a user runs it, in a fresh directory: it seeds
 * a git repository from repo-template/, gets the template's images (on this machine no
 * registry answers: the stand-in path runs for real), runs the operator, and says where the
 * repository is, where the API is and how to push a change. Then the change it suggests is
 * committed and reaches the NodePort.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { freePort } from '../../../src/util/freePort';
import { git } from '../../helpers/gitRepo';

const QUICKSTART = path.resolve(__dirname, '../../../src/cli/quickstart.js');
/** web/service.yaml of repo-template/. */
const NODE_PORT = 30080;

interface Status {
  lastAttemptedRevision?: { sha: string; status: string };
}

describe('npm start (the quick start)', function () {
  this.timeout(180_000);
  const runtime = testRuntime();
  const instance = uniqueInstance('quickstart');
  let cwd: string;
  let child: ChildProcess | undefined;
  let output = '';

  before(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'berth-quickstart-'));
  });
  after(async () => {
    child?.kill('SIGKILL');
    await cleanupInstance(runtime, instance);
    await rm(cwd, { recursive: true, force: true });
  });

  it('seeds a repo from repo-template, runs it, says how to change it; a commit reaches the NodePort', async () => {
    const port = await freePort();
    child = spawn(process.execPath, [QUICKSTART], {
      cwd,
      env: { ...process.env, BERTH_INSTANCE: instance, BERTH_LISTEN: `127.0.0.1:${port}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const status = async () => (await fetch(`http://127.0.0.1:${port}/api/v1/status`).catch(() => undefined))?.json() as Promise<Status> | undefined;
    const applied = (what: string) =>
      pollUntil(async () => ((await status())?.lastAttemptedRevision?.status === 'succeeded' ? (await status())!.lastAttemptedRevision!.sha : undefined), {
        timeoutMs: 120_000,
        intervalMs: 500,
        what: `${what}; the quick start said:\n${output.slice(-3000)}`,
      });
    const first = await applied('the template to be applied');

    const repo = path.join(cwd, '.berth', 'quickstart', 'repo');
    assert.match(output, new RegExp(`seeded a git repository from repo-template/ at ${repo}`));
    assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}/`));
    assert.match(output, /git commit -am/);
    assert.equal((await git(repo, 'rev-parse', 'HEAD')).trim(), first);

    const page = () =>
      fetch(`http://127.0.0.1:${NODE_PORT}/`)
        .then((r) => r.text())
        .catch(() => '');
    await pollUntil(async () => ((await page()).includes('Hello from berth') ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 300,
      what: 'the web page on the NodePort',
    });

    // The change the quick start suggests.
    await git(repo, 'config', 'user.name', 'Quick Start');
    await git(repo, 'config', 'user.email', 'quick@example.test');
    const greeting = path.join('web', 'configmap.yaml');
    await new Promise<void>((resolve, reject) =>
      spawn('sed', ['-i', 's/Hello from berth/Hello again/', greeting], { cwd: repo }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`sed ${c}`)))),
    );
    await git(repo, 'commit', '-qam', 'web: new greeting');
    await pollUntil(async () => ((await page()).includes('Hello again') ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: `the new greeting; berth said:\n${output.slice(-3000)}`,
    });

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.on('exit', resolve));
    assert.equal(code, 0);
  });
});
