/**
 * The operator rolls a bad commit back on its own, end to end: `berth run --write-back` on a
 * bare origin, a good commit, a crash-looping commit (failed, rolled back, old pods kept and
 * serving throughout), the revert commit with its trailer and berth's notes in the origin,
 * the revert recorded as succeeded, and the next good commit deployed.
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { observe } from '../../../src/observe';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { OperatorProcess } from '../../helpers/operator';
import { cleanupTemp, commitFiles, git, makeBareWithClone, push } from '../../helpers/gitRepo';
import { ensureTestImage, TEST_IMAGE } from '../../helpers/testImage';
import { Sampler } from '../rollout/sampler';

const web = (replicas: number, command: string, deadline = 60) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  progressDeadlineSeconds: ${deadline}
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ${command}
          readinessProbe: { httpGet: { path: /, port: 80 }, periodSeconds: 1, failureThreshold: 1 }
`;
const serve = (v: string) => JSON.stringify(['sh', '-c', `mkdir -p /www; echo ${v} > /www/index.html; trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait`]);
const crash = JSON.stringify(['sh', '-c', 'echo starting v2; echo cannot open config >&2; exit 3']);

describe('operator: automatic rollback with write-back', function () {
  this.timeout(180_000);
  const runtime = testRuntime();
  const instance = uniqueInstance('oprb');
  let stateDir: string;
  let berth: OperatorProcess | undefined;

  before(async () => {
    await ensureTestImage({ runtime });
    stateDir = await mkdtemp(path.join(tmpdir(), 'berth-oprb-'));
  });
  after(async () => {
    await berth?.kill('SIGKILL');
    await cleanupInstance(runtime, instance);
    await rm(stateDir, { recursive: true, force: true });
    await cleanupTemp();
  });

  const podIds = async () =>
    (await observe(runtime, instance)).pods
      .filter((p) => p.owner === 'web')
      .map((p) => p.containers[0].id)
      .sort();

  it('fails the bad commit, keeps the old pods serving, pushes a revert with notes, then deploys the next good commit', async () => {
    const { origin, clone } = await makeBareWithClone({ files: { 'web.yaml': web(2, serve('v1')) } });
    const good = (await git(clone, 'rev-parse', 'HEAD')).trim();
    const op = await OperatorProcess.start({
      repo: `file://${origin}`,
      instance,
      stateDir,
      poll: '*/1 * * * * *',
      extra: ['--branch', 'main', '--write-back'],
    });
    berth = op;
    const entry = (sha: string, status: string) => op.waitFor(sha, status, 90_000);

    await entry(good, 'succeeded');
    const before = await podIds();
    assert.equal(before.length, 2);
    const sampler = new Sampler(runtime, instance, 'web').start();

    const bad = await commitFiles(clone, { 'web.yaml': web(2, crash, 20) }, 'web: v2 (crashes)');
    await push(clone);
    const failed = await entry(bad, 'failed');
    assert.equal(failed.rollbackTo, good);
    assert.match(failed.reason ?? '', /Deployment default\/web/);
    assert.match([failed.reason, ...(failed.errors ?? [])].join('\n'), /exit(ed with)? code 3|cannot open config/);
    assert.ok(failed.revertSha, `no revert pushed: ${JSON.stringify(failed)}`);

    // The revert is on the origin's branch, names the failed sha, carries the trailer.
    const head = (await git(origin, 'rev-parse', 'main')).trim();
    assert.equal(head, failed.revertSha);
    const message = await git(origin, 'log', '-1', '--format=%B', 'main');
    assert.match(message, new RegExp(`Berth-Rollback-Of: ${bad}`));
    assert.match(message, new RegExp(bad));
    // berth's notes were pushed along: the failed commit's note says failed.
    const note = await git(origin, 'notes', '--ref=refs/notes/berth', 'show', bad);
    assert.match(note, /failed/);
    // The revert matches what runs: recorded as succeeded, with nothing to do.
    await entry(failed.revertSha!, 'succeeded');
    assert.deepEqual(await podIds(), before, 'the rollback recreated the old pods');

    // The next good commit is applied normally.
    await git(clone, 'pull', '--quiet', '--rebase', 'origin', 'main');
    const next = await commitFiles(clone, { 'web.yaml': web(3, serve('v1')) }, 'web: 3 replicas');
    await push(clone);
    await entry(next, 'succeeded');
    const samples = await sampler.stop();
    assert.equal((await podIds()).length, 3);
    assert.ok(Math.min(...samples.map((s) => s.pods.filter((p) => p.serving).length)) >= 2, 'fewer than 2 pods served at some point');
  });
});
