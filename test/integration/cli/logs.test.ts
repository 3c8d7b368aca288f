/** `berth logs` on the real engine: a pod, a deployment merged, follow through a rollout, exit codes. */
import { strict as assert } from 'node:assert';
import { describeRun, engineArgs } from '../../helpers/cli';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { pollUntil } from '../../../src/util/eventually';
import { ApplyHarness, names } from '../apply/harness';
import { CliChild, TALKING_STATEFULSET, talkingDeployment } from './helpers';

const PLANTED = 'planted-cli-S3cret-4b1d';

/** A bare Pod printing a Secret's value it gets through env. */
const LEAKY_POD = yaml`
  apiVersion: v1
  kind: Secret
  metadata: {name: leak}
  stringData: {token: "${PLANTED}"}
  ---
  apiVersion: v1
  kind: Pod
  metadata: {name: leaky}
  spec:
    terminationGracePeriodSeconds: 1
    containers:
    - name: app
      image: berth-test/busybox:latest
      imagePullPolicy: IfNotPresent
      command: [sh, -c, 'echo "token is $T, twice: $T"; exec sleep 100000']
      env:
      - name: T
        valueFrom: {secretKeyRef: {name: leak, key: token}}
`;

describe('berth logs (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;
  let dir: ManifestDir;
  let pods: string[];
  const children: CliChild[] = [];
  /** berth apply's pods carry a content hash, no commit: their Secret values come from the directory applied. */
  const logs = (args: string[]) => h.cli('logs', [...args, '--manifests', dir.path]);

  before(async () => {
    h = await ApplyHarness.create('cli-logs');
    dir = await ManifestDir.create({ 'talk.yaml': talkingDeployment(1), 'db.yaml': TALKING_STATEFULSET, 'leaky.yaml': LEAKY_POD });
    await h.converge(dir);
    pods = names(await h.livePodsOf('talk')).sort();
    // Every pod has ticked at least twice.
    await pollUntil(async () => ((await logs(['deployment/talk', '--tail', '-1'])).stdout.match(/v1 tick 2$/gm)?.length ?? 0) >= 2 || undefined, {
      timeoutMs: 20_000,
      what: 'two ticks per pod',
    });
  });
  after(async () => {
    children.forEach((c) => c.kill());
    await h?.cleanup();
  });

  it('a deployment: every pod lines, prefixed with the pod; --tail is per container', async () => {
    const r = await logs(['deployment/talk', '--tail', '-1']);
    assert.equal(r.code, 0, describeRun(r));
    for (const p of pods) assert.match(r.stdout, new RegExp(`^\\[pod/${p}\\] v1 start ${p}$`, 'm'));
    assert.ok(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => /^\[pod\/talk-[a-z0-9]+-[a-z0-9]+\] v1 (start|tick)/.test(l)),
      r.stdout,
    );
    const one = await logs(['deploy/talk', '--tail', '1']);
    assert.deepEqual(
      one.stdout
        .trim()
        .split('\n')
        .map((l) => l.slice(5, l.indexOf(']')))
        .sort(),
      pods,
    );
  });

  it('a statefulset: its pods lines, prefixed', async () => {
    const r = await pollUntil(
      async () => {
        const x = await logs(['sts/db']);
        return x.stdout ? x : undefined;
      },
      { timeoutMs: 10_000, what: 'db logs' },
    );
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout, '[pod/db-0] db ready db-0\n');
    assert.equal((await logs(['statefulset/db'])).stdout, r.stdout);
  });

  it('a pod: its lines as written, no prefix; --timestamps, --prefix and -c as kubectl', async () => {
    const r = await logs([pods[0]]);
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout.split('\n')[0], `v1 start ${pods[0]}`);
    const t = await logs([`pod/${pods[0]}`, '--timestamps', '--prefix', '-c', 'app', '--tail', '1']);
    assert.match(t.stdout, new RegExp(`^\\[pod/${pods[0]}/app\\] \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z v1 tick \\d+\\n$`));
    const since = await logs([pods[0], '--since', '1h']);
    assert.match(since.stdout, /^v1 start/);
  });

  it('nothing there: exit 1 with kubectl NotFound; bad usage: exit 2', async () => {
    const r = await logs(['deployment/nope']);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /^Error from server \(NotFound\): deployments\.apps "nope" not found in namespace "default"$/m);
    const c = await logs([pods[0], '-c', 'nope']);
    assert.equal(c.code, 1, describeRun(c));
    for (const args of [['service/talk'], [pods[0], '--since', 'yesterday'], [pods[0], '--tail', 'x']]) {
      const u = await h.cli('logs', args);
      assert.equal(u.code, 2, describeRun(u));
    }
  });

  it('a Secret value the pod prints is scrubbed as the API scrubs it; values it cannot know: no line at all (exit 2)', async () => {
    const r = await pollUntil(
      async () => {
        const x = await logs(['leaky']);
        return x.stdout.includes('token') ? x : undefined;
      },
      { timeoutMs: 10_000, what: 'the leaky pod has printed its line' },
    );
    assert.equal(r.code, 0, describeRun(r));
    assert.equal(r.stdout, 'token is (secret), twice: (secret)\n');
    assert.ok(!r.stdout.includes(PLANTED) && !r.stderr.includes(PLANTED));
    // Without the directory, the pods' revision is no commit berth can read: fail closed.
    const blind = await h.cli('logs', ['leaky']);
    assert.equal(blind.code, 2, describeRun(blind));
    assert.equal(blind.stdout, '');
    assert.match(blind.stderr, /cannot tell which Secret values to hide/);
  });

  it('-f follows a deployment through a rollout: new pods are picked up, old ones end; Ctrl-C exits 0', async () => {
    const f = new CliChild(engineArgs(['logs', '-f', 'deployment/talk', '--tail', '0', '--manifests', dir.path], h.instance, h.stateDir));
    children.push(f);
    await f.until(/v1 tick/);
    await dir.write('talk.yaml', talkingDeployment(2));
    await h.converge(dir);
    const fresh = names(await h.livePodsOf('talk')).filter((p) => !pods.includes(p));
    assert.equal(fresh.length, 2, fresh.join(','));
    for (const p of fresh) await f.until(new RegExp(`^\\[pod/${p}\\] v2 start ${p}$`, 'm'));
    for (const p of pods) assert.match(f.stderr, new RegExp(`^- pod/${p}/app \\((stopped|gone)\\)$`, 'm'));
    assert.equal(await f.interrupt(), 0, f.stderr);
  });
});
