/**
 * The CLI as a person uses it, as a child process against the real engine: `berth diff`,
 * `berth apply`, `berth get`, `berth delete`; exit codes, readable output, and Secret values
 * absent from every byte any of them prints.
 */
import { strict as assert } from 'node:assert';
import { LABEL } from '../../../src/runtime/types';
import { describeRun, runCli, type CliResult } from '../../helpers/cli';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { ApplyHarness, ids, names } from './harness';

/** The Secret values of fixture secret-consumed-as-env-and-file, plain and base64. */
const SECRETS = ['ak-Pangolin-4417-Zq', 'pw-Axolotl-9034-Vr', 'ak-Pangolin-4417-Zx', 'pw-Axolotl-9034-Vx'];
const FORBIDDEN = SECRETS.flatMap((s) => [s, Buffer.from(s).toString('base64')]);

describe('berth CLI (real engine): diff, apply, get, delete', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;
  /** Every output of every command of this file, checked for secrets at the end. */
  const outputs: { args: string; out: string }[] = [];

  async function berth(command: string, ...args: string[]): Promise<CliResult> {
    const r = await h.cli(command, args);
    outputs.push({ args: [command, ...args].join(' '), out: r.stdout + r.stderr });
    assertNoSecret(r.stdout + r.stderr, `berth ${command} ${args.join(' ')}`);
    return r;
  }

  before(async function () {
    h = await ApplyHarness.create('apply-cli');
    dir = await ManifestDir.fromFixtures(['secret-consumed-as-env-and-file', 'service-clusterip-in-namespace', 'statefulset-two-ordinals-with-volumes']);
  });
  after(async () => h?.cleanup());

  describe('before anything ran', () => {
    it('`berth diff` exits 1 and lists what would be created, per resource', async () => {
      const r = await berth('diff', dir.path);
      assert.equal(r.code, 1, describeRun(r));
      for (const line of [
        `+ Namespace shop: create network ${h.network('shop')}`,
        '+ Secret default/vault: write 2 files (API_KEY, db-password)',
        '+ Deployment default/vault-user: create 1 pod (image berth-test/busybox:latest)',
        '+ Deployment shop/backend: create 2 pods (image berth-test/busybox:latest)',
        `+ PersistentVolumeClaim default/data-db-0: create volume ${h.claimVolume('data-db-0')}`,
      ]) {
        assert.ok(r.stdout.split('\n').includes(line), `missing line "${line}" in:\n${r.stdout}`);
      }
      assert.match(r.stdout, /^\+ StatefulSet default\/db: create 2 pods/m);
      assert.deepEqual(await h.pods(), [], 'diff changed the engine');
    });

    it('`berth diff -v` and `-o json` show secret env and command lines as (secret)', async () => {
      const v = await berth('diff', dir.path, '-v');
      assert.equal(v.code, 1, describeRun(v));
      assert.match(v.stdout, /env API_KEY=\(secret\)/);
      assert.match(v.stdout, /env DSN=\(secret\)/);
      assert.match(v.stdout, /command \[.*"\(secret\)"\]/);
      const j = await berth('diff', dir.path, '-o', 'json');
      assert.equal(j.code, 1, describeRun(j));
      const plan = JSON.parse(j.stdout) as { actions: { type: string; files?: { contentBase64: string }[] }[] };
      const secretFiles = plan.actions.find((a) => a.type === 'write-files' && JSON.stringify(a).includes('Secret/default/vault'));
      assert.deepEqual(
        secretFiles?.files?.map((f) => f.contentBase64),
        ['(secret)', '(secret)'],
      );
    });
  });

  describe('apply', () => {
    let firstIds: string[];

    it('`berth apply` converges and exits 0, printing each action', async () => {
      const r = await berth('apply', dir.path);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /^converged: \d+ action\(s\)$/m);
      assert.match(r.stdout, /create pod shop\/backend-/);
      firstIds = ids(await h.pods());
      assert.equal(firstIds.length, 7, `containers: ${firstIds.length}`);
    });

    it('the second `berth apply` changes nothing: exit 0, "no changes", same containers', async () => {
      const r = await berth('apply', dir.path);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /^no changes: everything is as declared$/m);
      assert.doesNotMatch(r.stdout, /create |remove |start /);
      assert.deepEqual(ids(await h.pods()), firstIds);
    });

    it('then `berth diff` exits 0: no changes', async () => {
      const r = await berth('diff', dir.path);
      assert.equal(r.code, 0, describeRun(r));
      assert.equal(r.stdout, 'no changes\n');
    });
  });

  describe('get', () => {
    it('pods -o json: every pod of the instance, with owner, readiness and status', async () => {
      const r = await berth('get', 'pods', '-o', 'json');
      assert.equal(r.code, 0, describeRun(r));
      const rows = JSON.parse(r.stdout) as { namespace: string; name: string; kind: string; owner: string; ready: string; status: string }[];
      assert.deepEqual(rows.map((p) => `${p.namespace}/${p.name}`).sort(), (await h.pods()).map((p) => `${p.namespace}/${p.name}`).sort());
      assert.ok(
        rows.every((p) => p.ready === '1/1' && p.status === 'Running'),
        r.stdout,
      );
      assert.deepEqual(
        rows.filter((p) => p.kind === 'StatefulSet').map((p) => p.name),
        ['db-0', 'db-1'],
      );
    });

    it('pods -n shop: only that namespace (text table too)', async () => {
      const j = await berth('get', 'pods', '-n', 'shop', '-o', 'json');
      assert.deepEqual(
        (JSON.parse(j.stdout) as { name: string }[]).map((p) => p.name).sort(),
        names(await h.pods())
          .filter((n) => /^(backend-|client$|decoy$)/.test(n))
          .sort(),
      );
      const t = await berth('get', 'pods', '-n', 'shop');
      assert.equal(t.code, 0, describeRun(t));
      assert.match(t.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS/m);
      assert.match(t.stdout, /^shop\s+decoy\s+1\/1\s+Running\s+Pod\/decoy/m);
      assert.doesNotMatch(t.stdout, /vault-user|db-0/);
    });

    it('deployments and statefulsets -o json: running/desired per workload', async () => {
      const d = JSON.parse((await berth('get', 'deployments', '-o', 'json')).stdout) as { namespace: string; name: string; pods: number; running: number }[];
      assert.deepEqual(d.map((w) => [w.namespace, w.name, w.running, w.pods]).sort(), [
        ['default', 'vault-user', 1, 1],
        ['shop', 'backend', 2, 2],
      ]);
      const s = JSON.parse((await berth('get', 'statefulsets', '-o', 'json')).stdout) as { name: string; pods: number; running: number }[];
      assert.deepEqual(
        s.map((w) => [w.name, w.running, w.pods]),
        [['db', 2, 2]],
      );
    });

    it('services -n shop -o json: backend with its two pods as endpoints, not the decoy', async () => {
      const r = await berth('get', 'services', '-n', 'shop', '-o', 'json');
      assert.equal(r.code, 0, describeRun(r));
      const backends = names(await h.podsOf('backend', 'shop'));
      assert.deepEqual(JSON.parse(r.stdout), [{ namespace: 'shop', name: 'backend', endpoints: backends, nodePorts: [] }]);
    });

    it('all -o json: one section per kind', async () => {
      const r = await berth('get', 'all', '-o', 'json');
      const all = JSON.parse(r.stdout) as Record<string, unknown[]>;
      for (const section of ['deployments', 'pods', 'services', 'statefulsets'])
        assert.ok(Array.isArray(all[section]), `no section ${section}: ${Object.keys(all).join(', ')}`);
      assert.equal(all.pods.length, 7);
      assert.deepEqual((all.services as { name: string }[]).map((s) => s.name).sort(), ['backend', 'db']);
    });
  });

  describe('a Secret changed', () => {
    it('`berth diff` exits 1 naming the Secret and the pods it replaces, without values', async () => {
      await dir.edit('secret-consumed-as-env-and-file/secret.yaml', (t) =>
        t
          .replace(Buffer.from('ak-Pangolin-4417-Zq').toString('base64'), Buffer.from('ak-Pangolin-4417-Zx').toString('base64'))
          .replace('db-password: pw-Axolotl-9034-Vr', 'db-password: pw-Axolotl-9034-Vx'),
      );
      const r = await berth('diff', dir.path, '-v');
      assert.equal(r.code, 1, describeRun(r));
      assert.match(r.stdout, /^\+ Secret default\/vault: write 2 files \(API_KEY, db-password\)$/m);
      assert.match(r.stdout, /^~ Deployment default\/vault-user: replace 1 pod /m);
      assert.doesNotMatch(r.stdout, /Deployment shop\/backend|StatefulSet/);
    });

    it('`berth apply` replaces only the pod using it; the new values are inside it', async () => {
      const others = ids((await h.pods()).filter((p) => p.owner !== 'vault-user'));
      const r = await berth('apply', dir.path);
      assert.equal(r.code, 0, describeRun(r));
      assert.deepEqual(ids((await h.pods()).filter((p) => p.owner !== 'vault-user')), others);
      const [pod] = await h.livePodsOf('vault-user'); // the old one may still be stopping
      const inside = await h.exec(pod.name, 'app', ['sh', '-c', 'echo "$API_KEY $(cat /run/creds/db-password) $DSN"']);
      assert.equal(inside.output.trim(), 'ak-Pangolin-4417-Zx pw-Axolotl-9034-Vx postgres://app:pw-Axolotl-9034-Vx@db/app');
    });
  });

  describe('errors', () => {
    it('`berth diff` of manifests that do not validate exits 2 with FILE:LINE:COL', async () => {
      const bad = await ManifestDir.create({
        'bad.yaml': yaml`
          apiVersion: v1
          kind: Pod
          metadata:
            name: bad
          spec:
            containers:
            - name: c
              imagee: berth-test/busybox:latest
        `,
      });
      const r = await berth('diff', bad.path);
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /bad\.yaml:8:\d+: .*containers\[0\]\.imagee/);
    });

    it('`berth diff` of a missing directory, or with a bad --instance, exits 2', async () => {
      const missing = await berth('diff', `${dir.path}/nope`);
      assert.equal(missing.code, 2, describeRun(missing));
      assert.match(missing.stderr, /no such directory/);
      const r = await runCli(['diff', dir.path, '--instance', 'Bad_Name', '--state-dir', h.stateDir]);
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /invalid --instance "Bad_Name"/);
    });

    it('`berth diff` when no engine answers exits 2 naming the engine', async () => {
      const r = await runCli(['diff', dir.path, '--instance', h.instance, '--state-dir', h.stateDir], {
        env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      });
      assert.equal(r.code, 2, describeRun(r));
      assert.match(r.stderr, /nonexistent\/docker\.sock/);
    });
  });

  describe('delete', () => {
    it('`berth delete PATH` removes what PATH declares and keeps claim volumes and everything else', async () => {
      const other = await ManifestDir.create({
        'keep.yaml': yaml`
          apiVersion: v1
          kind: Pod
          metadata:
            name: keep-me
          spec:
            terminationGracePeriodSeconds: 1
            containers:
            - name: c
              image: berth-test/busybox:latest
              imagePullPolicy: IfNotPresent
              command: ['/pause']
        `,
      });
      const keepRun = await berth('apply', other.path, '--no-prune');
      assert.equal(keepRun.code, 0, describeRun(keepRun));
      const keep = await h.containerId('keep-me', 'c');

      const r = await berth('delete', dir.path);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, /^deleted: \d+ action\(s\)$/m);
      assert.deepEqual(
        (await h.pods()).map((p) => p.name),
        ['keep-me'],
      );
      assert.equal(await h.containerId('keep-me', 'c'), keep);
      assert.equal(await h.hasNetwork('shop'), false, 'the shop namespace network is still there');
      const claims = (await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.kind]: 'PersistentVolumeClaim' })).map((v) => v.name).sort();
      assert.deepEqual(claims, [h.claimVolume('data-db-0'), h.claimVolume('data-db-1')]);

      const again = await berth('delete', dir.path);
      assert.equal(again.code, 0, describeRun(again));
      assert.match(again.stdout, /nothing to delete/);
    });

    it('`berth delete --delete-volumes` also removes the claim volumes, when asked', async () => {
      const r = await berth('delete', dir.path, '--delete-volumes');
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, new RegExp(`remove volume ${h.claimVolume('data-db-0')}`));
      assert.deepEqual(await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.kind]: 'PersistentVolumeClaim' }), []);
      assert.deepEqual(
        (await h.pods()).map((p) => p.name),
        ['keep-me'],
      );
    });
  });

  // A suite of its own: mocha runs a suite's tests before its sub-suites, and this one must run last.
  describe('finally', () => {
    it('no output of any command contained a Secret value, plain or base64', () => {
      assert.ok(outputs.length >= 15, `only ${outputs.length} outputs collected`);
      for (const o of outputs) assertNoSecret(o.out, `berth ${o.args}`);
    });
  });
});

function assertNoSecret(text: string, what: string): void {
  for (const s of FORBIDDEN) assert.ok(!text.includes(s), `${what} printed the secret value ${s}:\n${text}`);
}
