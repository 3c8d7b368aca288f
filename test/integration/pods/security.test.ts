/**
 * securityContext on the real engine: who the container runs as (uid, gid, supplementary
 * groups), runAsNonRoot refused for a root image with a clear reason, a read-only root
 * filesystem, no-new-privileges, and a default capability added back after `drop: [ALL]`
 * without --allow-privileged. The test image has no USER: it runs as root.
 */
import { strict as assert } from 'node:assert';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { ApplyHarness, describeOutcome } from '../apply/harness';

const IMAGE = 'berth-test/busybox:latest';
const IDLE = 'trap "exit 0" TERM; sleep 3600 & wait';

function podYaml(name: string, podSecurity: string, containerSecurity: string, extra = ''): string {
  return yaml`
    apiVersion: v1
    kind: Pod
    metadata:
      name: ${name}
    spec:
      terminationGracePeriodSeconds: 1
      securityContext: ${podSecurity}
      containers:
      - name: app
        image: ${IMAGE}
        imagePullPolicy: IfNotPresent
        command: [sh, -c, ${JSON.stringify(IDLE)}]
        securityContext: ${containerSecurity}
${extra}
  `;
}

describe('securityContext (real engine)', function () {
  let h: ApplyHarness;

  before(async function () {
    h = await ApplyHarness.create('pods-security');
    const dir = await ManifestDir.create({
      'users.yaml': podYaml('users', '{runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000]}', '{}'),
      'override.yaml': podYaml('override', '{runAsUser: 1000}', '{runAsUser: 2000}'),
      'nonroot-ok.yaml': podYaml('nonroot-ok', '{runAsNonRoot: true}', '{runAsUser: 1000}'),
      'group-only.yaml': podYaml('group-only', '{}', '{runAsGroup: 3000}'),
      'locked.yaml': podYaml(
        'locked',
        '{}',
        '{readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}, seccompProfile: {type: RuntimeDefault}}',
        '        volumeMounts: [{name: scratch, mountPath: /scratch}]\n      volumes: [{name: scratch, emptyDir: {}}]',
      ),
    });
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  const sh = async (pod: string, script: string) => {
    const r = await h.exec(pod, 'app', ['sh', '-c', script]);
    return { code: r.exitCode, out: r.output.trim() };
  };

  it('pod-level runAsUser, runAsGroup and supplementalGroups: uid 1000, gid 3000, group 4000', async () => {
    assert.deepEqual(await sh('users', 'echo $(id -u) $(id -g) $(id -G)'), { code: 0, out: '1000 3000 3000 4000' });
  });

  it("a container's runAsUser overrides the pod's", async () => {
    assert.equal((await sh('override', 'id -u')).out, '2000');
  });

  it('runAsNonRoot with runAsUser 1000 starts, as uid 1000', async () => {
    assert.equal((await sh('nonroot-ok', 'id -u')).out, '1000');
  });

  it("runAsGroup alone keeps the image's user (root here) with that group", async () => {
    assert.equal((await sh('group-only', 'echo $(id -u) $(id -g)')).out, '0 3000');
  });

  it('readOnlyRootFilesystem refuses writes to / but not to a mounted emptyDir', async () => {
    const root = await sh('locked', 'touch /written 2>&1');
    assert.notEqual(root.code, 0);
    assert.match(root.out, /Read-only file system/);
    assert.equal((await sh('locked', 'touch /scratch/ok && echo ok')).out, 'ok');
  });

  it('allowPrivilegeEscalation false sets no-new-privileges', async () => {
    assert.equal((await sh('locked', 'grep NoNewPrivs /proc/self/status')).out.replace(/\s+/g, ' '), 'NoNewPrivs: 1');
  });

  it('drop ALL + add NET_BIND_SERVICE (a Docker default, no --allow-privileged): exactly that capability', async () => {
    // CAP_NET_BIND_SERVICE is bit 10.
    assert.equal((await sh('locked', 'grep CapEff /proc/self/status')).out.replace(/\s+/g, ' '), 'CapEff: 0000000000000400');
  });

  it('runAsNonRoot with a root image is refused: nothing of the pod starts, the reason says why', async () => {
    const dir = await ManifestDir.create({ 'rooted.yaml': podYaml('rooted', '{runAsNonRoot: true}', '{}') });
    const run = await h.apply(dir, { prune: false });
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    assert.match(
      run.outcome.type === 'failed' ? run.outcome.reason : '',
      /container app is not started: runAsNonRoot: image "berth-test\/busybox:latest" runs as root \(no USER\) and no runAsUser is set/,
    );
    assert.deepEqual(
      (await h.pods()).filter((p) => p.name === 'rooted'),
      [],
    );
  });
});
