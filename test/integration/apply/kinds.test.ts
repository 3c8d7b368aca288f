/**
 * Every kind on the real engine, from one desired state applied once (the fixtures side by
 * side): what each kind becomes on Docker, checked through the engine's labels and from
 * inside the containers. Then the same state applied again must do nothing.
 */
import { strict as assert } from 'node:assert';
import { LABEL } from '../../../src/runtime/types';
import { ManifestDir } from '../../helpers/manifests';
import { pollUntil } from '../../../src/util/eventually';
import { actionSummary, addressesOf, ApplyHarness, countingRuntime, ids } from './harness';

/** The fixtures this file applies together, and that nothing else here edits. */
export const STACK = [
  'namespace-with-pods',
  'pod-single-container',
  'pod-two-containers-sharing-network-and-volume',
  'pod-with-limits-workdir-and-args',
  'deployment-three-replicas',
  'statefulset-two-ordinals-with-volumes',
  'service-clusterip-in-namespace',
  'config-and-secret-consumed-every-way',
  'claim-mounted-by-pod',
];

describe('apply (real engine): each kind', function () {
  let h: ApplyHarness;
  let dir: ManifestDir;

  before(async function () {
    h = await ApplyHarness.create('apply-kinds');
    dir = await ManifestDir.fromFixtures(STACK);
    await h.converge(dir);
  });
  after(async () => h?.cleanup());

  describe('Namespace', () => {
    it('is a network of its own, labelled as the namespace of this instance', async () => {
      const nets = await h.runtime.listNetworks({ [LABEL.instance]: h.instance });
      const teamA = nets.find((n) => n.name === h.network('team-a'));
      assert.ok(teamA, `no network ${h.network('team-a')} among ${nets.map((n) => n.name).join(', ')}`);
      assert.deepEqual([teamA.labels[LABEL.kind], teamA.labels[LABEL.namespace], teamA.labels[LABEL.managed]], ['Namespace', 'team-a', 'true']);
    });

    it('pods of the namespace are on its network and reach each other by pod name', async () => {
      const api = await h.pod('api', 'team-a');
      assert.deepEqual(Object.keys(api.containers[0].networks), [h.network('team-a')]);
      assert.equal((await h.execUntilOk('client', 'client', ['wget', '-qO-', 'http://api:8080/'], 'team-a')).trim(), 'api-in-team-a');
    });

    it('a pod of another namespace cannot resolve them', async () => {
      const apiIp = (await h.pod('api', 'team-a')).containers[0].networks[h.network('team-a')];
      const r = await h.exec('outsider', 'outsider', ['nslookup', 'api']);
      assert.notEqual(r.exitCode, 0, `api resolved from default:\n${r.output}`);
      assert.ok(apiIp && !r.output.includes(apiIp), `the answer names api's address ${apiIp}:\n${r.output}`);
    });
  });

  describe('Pod, one container', () => {
    it('is exactly one running container with the pod labels, env and hostname', async () => {
      const solo = await h.pod('solo');
      assert.equal(solo.infra, undefined);
      assert.deepEqual(
        solo.containers.map((c) => [c.labels[LABEL.container], c.labels[LABEL.kind], c.labels[LABEL.owner], c.state]),
        [['app', 'Pod', 'solo', 'running']],
      );
      const env = await h.exec('solo', 'app', ['sh', '-c', 'echo "$GREETING $(hostname)"']);
      assert.equal(env.output.trim(), 'hello-from-solo solo');
    });
  });

  describe('Pod: command, args, workingDir, limits', () => {
    it('runs command + args with $(VAR) expanded, in workingDir', async () => {
      assert.equal((await h.execUntilOk('tuned', 'app', ['cat', '/tmp/started'])).trim(), 'first-arg expanded-from-env /srv');
    });

    it('is held to its memory and CPU limits (cgroup v1 or v2)', async () => {
      const read = async (v2: string, v1: string) =>
        (await h.exec('tuned', 'app', ['sh', '-c', `cat /sys/fs/cgroup/${v2} 2>/dev/null || cat /sys/fs/cgroup/${v1}`])).output.trim();
      assert.equal(await read('memory.max', 'memory/memory.limit_in_bytes'), String(64 * 1024 * 1024));
      const cpu = await read('cpu.max', 'cpu/cpu.cfs_quota_us');
      const [quota, period = '100000'] = cpu.split(/\s+/);
      assert.equal(Number(quota) / Number(period), 0.5, `cpu: ${cpu}`);
    });
  });

  describe('Pod, two containers', () => {
    it('has an infra container holding the network; both app containers run', async () => {
      const duo = await h.pod('duo');
      assert.ok(duo.infra, 'no infra container');
      assert.equal(duo.infra.state, 'running');
      assert.deepEqual(
        duo.containers.map((c) => [c.labels[LABEL.container], c.state]),
        [
          ['server', 'running'],
          ['writer', 'running'],
        ],
      );
      assert.deepEqual(Object.keys(duo.infra.networks), [h.network('default')]);
    });

    it('shares one network namespace: writer reaches server on localhost', async () => {
      assert.equal((await h.execUntilOk('duo', 'writer', ['wget', '-qO-', 'http://localhost:8080/'])).trim(), 'served-by-server');
      const addr = async (c: string) => (await h.exec('duo', c, ['sh', '-c', 'hostname; ip -4 -o addr show eth0'])).output.replace(/\s+/g, ' ');
      assert.equal(await addr('server'), await addr('writer'));
    });

    it('shares the emptyDir: server reads what writer wrote', async () => {
      assert.equal((await h.execUntilOk('duo', 'server', ['cat', '/shared/note.txt'])).trim(), 'written-by-writer');
      const vols = await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.kind]: 'emptyDir' });
      assert.deepEqual(
        vols.map((v) => [v.name, v.labels[LABEL.pod]]),
        [[`berth_${h.instance}_default_duo_shared`, 'duo']],
      );
    });
  });

  describe('Deployment', () => {
    it('runs 3 replicas named <deploy>-<hash>-<suffix>, one template hash', async () => {
      const web = await h.podsOf('web');
      assert.equal(web.length, 3, `pods: ${web.map((p) => p.name).join(', ')}`);
      for (const p of web) assert.match(p.name, /^web-[0-9a-f]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(new Set(web.map((p) => p.specHash)).size, 1);
      assert.ok(web.every((p) => p.kind === 'Deployment' && p.containers.length === 1 && p.containers[0].state === 'running'));
    });

    it('each replica serves on its own address under its own name', async () => {
      const web = await h.podsOf('web');
      const answers = await Promise.all(web.map((p) => h.execUntilOk('outsider', 'outsider', ['wget', '-qO-', `http://${p.name}:8080/`])));
      assert.deepEqual(answers.map((a) => a.trim()).sort(), web.map((p) => p.name).sort());
    });
  });

  describe('StatefulSet', () => {
    it('runs ordinals 0 and 1 as db-0 and db-1, each with its own claim volume', async () => {
      const db = await h.podsOf('db');
      assert.deepEqual(
        db.map((p) => [p.name, p.ordinal, p.containers[0].labels[LABEL.ordinal]]),
        [
          ['db-0', 0, '0'],
          ['db-1', 1, '1'],
        ],
      );
      const vols = await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.owner]: 'db' });
      assert.deepEqual(vols.map((v) => [v.name, v.labels[LABEL.kind], v.labels[LABEL.ordinal]]).sort(), [
        [h.claimVolume('data-db-0'), 'PersistentVolumeClaim', '0'],
        [h.claimVolume('data-db-1'), 'PersistentVolumeClaim', '1'],
      ]);
    });

    it('the volumes are per ordinal: what db-0 writes, db-1 does not see', async () => {
      await h.execUntilOk('db-0', 'db', ['sh', '-c', 'echo from-db-0 > /data/marker']);
      assert.equal((await h.exec('db-0', 'db', ['cat', '/data/marker'])).output.trim(), 'from-db-0');
      assert.notEqual((await h.exec('db-1', 'db', ['cat', '/data/marker'])).exitCode, 0, 'db-1 sees db-0 data');
    });
  });

  describe('Service', () => {
    it('ClusterIP: the name and <svc>.<ns>.svc.cluster.local resolve to exactly the selected pods', async () => {
      const backends = await h.podsOf('backend', 'shop');
      const want = backends.map((p) => p.containers[0].networks[h.network('shop')]).sort();
      assert.equal(want.length, 2);
      for (const name of ['backend', 'backend.shop.svc.cluster.local']) {
        const out = await h.execUntilOk('client', 'client', ['nslookup', name], 'shop');
        assert.deepEqual(addressesOf(out), want, `${name}:\n${out}`);
      }
    });

    it('ClusterIP: requests by service name reach a backend, never the decoy', async () => {
      for (let i = 0; i < 4; i++) {
        const out = await h.execUntilOk('client', 'client', ['wget', '-qO-', 'http://backend:8080/'], 'shop');
        assert.match(out.trim(), /^backend backend-[0-9a-f]{10}-[a-z0-9]{5}$/);
      }
    });

    it('headless + StatefulSet: <pod>.<service> and its full name reach that very pod', async () => {
      assert.equal((await h.execUntilOk('outsider', 'outsider', ['wget', '-qO-', 'http://db-0.db:8080/'])).trim(), 'db-0');
      assert.equal((await h.execUntilOk('outsider', 'outsider', ['wget', '-qO-', 'http://db-1.db.default.svc.cluster.local:8080/'])).trim(), 'db-1');
    });
  });

  describe('ConfigMap and Secret', () => {
    let consumer: string;
    before(async () => {
      const pods = await h.podsOf('consumer');
      assert.equal(pods.length, 1);
      consumer = pods[0].name;
    });

    it('valueFrom and envFrom (with prefixes) fill the environment', async () => {
      const env = (await h.exec(consumer, 'app', ['env'])).output
        .split('\n')
        .filter((l) => /^(GREETING_REF|PASSWORD_REF|CFG_|SEC_)/.test(l))
        .sort();
      assert.deepEqual(env, [
        'CFG_GREETING=hello-from-configmap',
        'CFG_LEVEL=debug',
        'CFG_app.properties=color=blue',
        'GREETING_REF=hello-from-configmap',
        'PASSWORD_REF=pw-Quokka-8821',
        'SEC_PASSWORD=pw-Quokka-8821',
        'SEC_token=tk-Narwhal-5530',
      ]);
    });

    it('volumes hold one file per key: ConfigMap 0644, Secret 0400, both read-only', async () => {
      const ls = async (d: string) =>
        (await h.exec(consumer, 'app', ['sh', '-c', `cd ${d} && for f in *; do echo "$(stat -c %a $f) $f $(cat $f | head -1)"; done`])).output
          .trim()
          .split('\n');
      assert.deepEqual(await ls('/etc/config'), ['644 GREETING hello-from-configmap', '644 LEVEL debug', '644 app.properties color=blue']);
      assert.deepEqual(await ls('/etc/secret'), ['400 PASSWORD pw-Quokka-8821', '400 token tk-Narwhal-5530']);
      for (const d of ['/etc/config', '/etc/secret']) {
        const w = await h.exec(consumer, 'app', ['touch', `${d}/new`]);
        assert.notEqual(w.exitCode, 0, `${d} is writable`);
        assert.match(w.output, /Read-only file system/);
      }
    });
  });

  describe('PersistentVolumeClaim', () => {
    it('is a named volume, mounted where the pod asks', async () => {
      const vols = await h.runtime.listVolumes({ [LABEL.instance]: h.instance, [LABEL.owner]: 'cache' });
      assert.deepEqual(
        vols.map((v) => [v.name, v.labels[LABEL.kind]]),
        [[h.claimVolume('cache'), 'PersistentVolumeClaim']],
      );
      await h.execUntilOk('user', 'user', ['sh', '-c', 'echo kept > /cache/file']);
      const mounts = (await h.exec('user', 'user', ['grep', ' /cache ', '/proc/mounts'])).output;
      assert.match(mounts, / \/cache /);
    });
  });

  describe('a second apply of the same manifests', () => {
    it('takes zero actions and recreates no container', async () => {
      const before = ids(await h.pods());
      const actions = await h.converge(dir);
      assert.deepEqual(actionSummary(actions), []);
      assert.deepEqual(ids(await h.pods()), before);
    });
  });

  describe('a no-op pass', () => {
    it('looks at the engine with one list call per object type and inspects no container', async () => {
      const counted = countingRuntime(h.runtime);
      const actions = await h.converge(dir, { runtime: counted.runtime });
      assert.deepEqual(actionSummary(actions), []);
      const calls = Object.fromEntries(counted.calls);
      const looks = calls.listContainers;
      assert.ok(looks >= 1, JSON.stringify(calls));
      assert.deepEqual([calls.listNetworks, calls.listVolumes, calls.inspectContainer ?? 0], [looks, looks, 0], JSON.stringify(calls));
      const writes = [
        'createContainer',
        'startContainer',
        'stopContainer',
        'removeContainer',
        'createNetwork',
        'createVolume',
        'connectNetwork',
        'disconnectNetwork',
      ];
      assert.deepEqual(
        writes.filter((m) => counted.calls.has(m)),
        [],
      );
    });
  });

  describe('StatefulSet pod removed', () => {
    it('comes back under the same name with the same volume and its data', async () => {
      const old = await h.containerId('db-0', 'db');
      await h.runtime.removeContainer(old);
      const actions = await h.converge(dir);
      assert.deepEqual(actionSummary(actions), ['create-pod db-0']);
      assert.notEqual(await h.containerId('db-0', 'db'), old);
      assert.equal((await h.execUntilOk('db-0', 'db', ['cat', '/data/marker'])).trim(), 'from-db-0');
    });
  });
});

describe('apply (real engine): restartPolicy Never', function () {
  let h: ApplyHarness;
  after(async () => h?.cleanup());

  it('a pod that ran to completion stays exited: later applies do not start it again', async () => {
    h = await ApplyHarness.create('apply-once');
    const dir = await ManifestDir.fromFixture('pod-run-to-completion');
    await h.converge(dir);
    const id = await h.containerId('once', 'job');
    const done = await pollUntil(
      async () => {
        const d = await h.runtime.inspectContainer(id);
        return d.state === 'exited' ? d : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'pod once to finish' },
    );
    assert.deepEqual([done.exitCode, done.restartCount], [0, 0]);
    assert.equal((await h.runtime.logs(id, 5)).trim(), 'ran-once');
    assert.deepEqual(actionSummary(await h.converge(dir)), []);
    const after = await h.runtime.inspectContainer(id);
    assert.deepEqual([after.state, after.restartCount, after.startedAt], ['exited', 0, done.startedAt]);
  });
});
