/**
 * `berth describe` on the real engine: conditions, pods, probes, endpoints, and the events it
 * can know (created, started, probe failed, restarted after an exit code, killed).
 */
import { strict as assert } from 'node:assert';
import { describeRun } from '../../helpers/cli';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { pollUntil } from '../../../src/util/eventually';
import { ApplyHarness, names } from '../apply/harness';
import { talkingDeployment } from './helpers';

const pods = yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: crashy
  spec:
    restartPolicy: Always
    containers:
    - name: app
      image: berth-test/busybox:latest
      imagePullPolicy: IfNotPresent
      command: [sh, -c, 'echo boom; sleep 0.5; exit 3']
  ---
  apiVersion: v1
  kind: Pod
  metadata:
    name: unready
  spec:
    terminationGracePeriodSeconds: 1
    containers:
    - name: app
      image: berth-test/busybox:latest
      imagePullPolicy: IfNotPresent
      command: [sh, -c, 'trap "" TERM; while true; do sleep 1; done']
      readinessProbe:
        exec: {command: [sh, -c, 'echo not yet; exit 1']}
        periodSeconds: 1
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: talk
  spec:
    selector: {app: talk}
    ports:
    - port: 80
`;

describe('berth describe (real engine)', function () {
  this.timeout(120_000);
  let h: ApplyHarness;

  before(async () => {
    h = await ApplyHarness.create('cli-describe');
    const dir = await ManifestDir.create({ 'talk.yaml': talkingDeployment(1), 'pods.yaml': pods });
    const run = await h.apply(dir); // crashy and unready never become healthy: not converged, and that is the point
    assert.notEqual(run.outcome.type, 'error', JSON.stringify(run.outcome));
  });
  after(async () => h?.cleanup());

  it('deployment: Available and Progressing, its pods, its probes, created and started events per pod', async () => {
    const r = await h.cli('describe', ['deployment/talk']);
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, /^Kind:\s+Deployment$/m);
    assert.match(r.stdout, /^ {2}Available\s+True\s+2 of 2 pod\(s\) ready$/m);
    assert.match(r.stdout, /^ {2}Progressing\s+True\s+one template runs/m);
    assert.match(r.stdout, /^ {2}app: readiness exec \[sh -c true\] delay=0s timeout=1s period=1s #success=1 #failure=3$/m);
    for (const p of names(await h.livePodsOf('talk'))) {
      assert.match(r.stdout, new RegExp(`^ {2}${p}\\s+1/1\\s+Running\\s+0\\s+\\d+\\.\\d+\\.\\d+\\.\\d+`, 'm'));
      assert.match(r.stdout, new RegExp(`Normal\\s+Created\\s+pod/${p}/app\\s+Created container app`));
      assert.match(r.stdout, new RegExp(`Normal\\s+Started\\s+pod/${p}/app\\s+Started container app`));
    }
  });

  it('a crash-looping pod: its exit code, restart count and the Exited events', async () => {
    const r = await pollUntil(
      async () => {
        const x = await h.cli('describe', ['pod', 'crashy']);
        return /Restart Count:\s+[1-9]/.test(x.stdout) ? x : undefined;
      },
      { timeoutMs: 30_000, what: 'crashy restarted' },
    );
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, /Warning\s+Exited\s+pod\/crashy\/app\s+Container app exited with code 3$/m);
    assert.ok((r.stdout.match(/Normal\s+Started\s+pod\/crashy\/app/g) ?? []).length >= 2, r.stdout);
  });

  it('a pod whose readiness probe fails: Ready False and the probe error; stopped by force: SIGTERM, SIGKILL, exit 137', async () => {
    const r = await h.cli('describe', ['pod/unready']);
    assert.match(r.stdout, /^ {2}Ready\s+False\s+app: readiness probe failing$/m);
    assert.match(
      r.stdout,
      /Warning\s+Unhealthy\s+pod\/unready\/app\s+Readiness probe failed \(checked now\): exec \["sh","-c","echo not yet; exit 1"\] exited 1: not yet$/m,
    );
    await h.runtime.stopContainer(await h.containerId('unready', 'app'), 1);
    const k = await h.cli('describe', ['pod/unready']);
    assert.match(k.stdout, /State:\s+Terminated: exit code 137/);
    assert.match(k.stdout, /Normal\s+Killing\s+pod\/unready\/app\s+Stopping container app \(SIGTERM\)/);
    assert.match(k.stdout, /Warning\s+Killing\s+pod\/unready\/app\s+Killed container app \(SIGKILL\)/);
    assert.match(k.stdout, /Warning\s+Exited\s+pod\/unready\/app\s+Container app exited with code 137 \(killed\)/);
  });

  it('service: the pods that answer to its name; each of them names the Service it is an endpoint of', async () => {
    const r = await h.cli('describe', ['svc/talk']);
    assert.equal(r.code, 0, describeRun(r));
    const endpoints = /^Endpoints:\s+(.*)$/m.exec(r.stdout)?.[1].split(', ').sort();
    assert.deepEqual(endpoints, names(await h.livePodsOf('talk')).sort());
    const pod = await h.cli('describe', [`pod/${endpoints![0]}`]);
    assert.match(pod.stdout, /^Endpoint of:\s+service\/talk$/m);
    assert.match((await h.cli('describe', ['pod/unready'])).stdout, /^Endpoint of:\s+<none>$/m);
  });

  it('nothing there: exit 1 with kubectl NotFound; a kind it cannot describe: exit 2', async () => {
    const r = await h.cli('describe', ['statefulset/talk']);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /^Error from server \(NotFound\): statefulsets\.apps "talk" not found in namespace "default"$/m);
    assert.equal((await h.cli('describe', ['pod/nope', '-n', 'elsewhere'])).code, 1);
    const u = await h.cli('describe', ['configmap/x']);
    assert.equal(u.code, 2, describeRun(u));
    assert.match(u.stderr, /cannot describe "configmap"/);
  });
});
