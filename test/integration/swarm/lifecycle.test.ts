/**
 * The swarm engine's object lifecycle on a real 3-node swarm (test/helpers/swarm.ts): a
 * DaemonSet on every node behind an allocated NodePort, a Secret as a file, pruning of
 * workloads and of old configs and secrets, a ClusterIP Service's name resolved inside a
 * task, self-heal of a service scaled behind berth's back, and a second berth process
 * continuing what a first one started. One swarm for the file; each test has its own instance.
 */
import { strict as assert } from 'node:assert';
import { createSwarmClient, type SwarmClient } from '../../../src/runtime/swarm/client';
import type { SwarmTask } from '../../../src/runtime/swarm/types';
import { SwarmApplier } from '../../../src/swarm/applier';
import { applyToSwarm } from '../../../src/swarm/loop';
import { LABEL } from '../../../src/runtime/types';
import { pollUntil } from '../../../src/util/eventually';
import { startTestSwarm, type TestSwarm } from '../../helpers/swarm';
import { deployment, desiredOf, get, inTask, statefulSet } from '../../helpers/swarmManifests';
import { uniqueInstance } from '../../helpers/docker';
import { ManifestDir, disposeManifestDirs } from '../../helpers/manifests';
import { runCli, describeRun, type CliResult } from '../../helpers/cli';
import { cleanupTemp, tempDir } from '../../helpers/gitRepo';

const SECRET_VALUE = 'not-for-your-eyes-4812';

/** A Deployment serving a ConfigMap page and mounting a Secret as a file. */
function withFiles(page: string, token: string): string {
  return `apiVersion: v1
kind: ConfigMap
metadata: { name: page }
data: { index.html: "${page}" }
---
apiVersion: v1
kind: Secret
metadata: { name: token }
stringData: { token: "${token}" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: files }
spec:
  replicas: 1
  selector: { matchLabels: { app: files } }
  template:
    metadata: { labels: { app: files } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: berth-test/busybox:latest
          imagePullPolicy: Never
          command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
          readinessProbe: { httpGet: { path: /index.html, port: 8080 }, periodSeconds: 1 }
          volumeMounts:
            - { name: page, mountPath: /www }
            - { name: token, mountPath: /etc/token }
      volumes:
        - { name: page, configMap: { name: page } }
        - { name: token, secret: { secretName: token } }
`;
}

describe('swarm engine: lifecycle on a 3-node swarm', function () {
  this.timeout(600_000);
  let swarm: TestSwarm;
  let client: SwarmClient;
  let instance: string;

  before(async () => {
    swarm = await startTestSwarm(3);
    client = createSwarmClient({ socketPath: swarm.sockets[0] });
  });
  after(async () => {
    await swarm?.down();
  });
  beforeEach(() => {
    instance = uniqueInstance('swarm');
  });
  afterEach(async () => {
    await cleanupTemp();
    await disposeManifestDirs();
    const mine = { [LABEL.instance]: instance };
    for (const s of await client.listServices(mine)) await client.removeService(s.id);
    await pollUntil(async () => ((await client.listTasks(mine)).some((t) => t.state === 'running') ? undefined : true), {
      timeoutMs: 60_000,
      what: 'tasks gone',
    });
    for (const f of await client.listConfigs(mine)) await client.removeFile('config', f.id);
    for (const f of await client.listSecrets(mine)) await client.removeFile('secret', f.id);
  });

  const applier = (): SwarmApplier => new SwarmApplier(client, { instance, prune: true });
  const running = async (owner?: string): Promise<SwarmTask[]> =>
    (await client.listTasks({ [LABEL.instance]: instance, ...(owner ? { [LABEL.owner]: owner } : {}) })).filter(
      (t) => t.state === 'running' && t.desiredState === 'running',
    );
  const cliApply = (dir: string, stateDir: string): Promise<CliResult> =>
    runCli(['apply', dir, '--instance', instance, '--state-dir', stateDir, '--engine', 'swarm'], {
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
      timeoutMs: 300_000,
    });

  it('runs a DaemonSet on every node, its NodePort without nodePort allocated as on one host', async () => {
    const dir = await ManifestDir.create({
      'ds.yaml': `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: c
          image: berth-test/busybox:latest
          imagePullPolicy: Never
          command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /index.html, port: 8080 }, periodSeconds: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: agent }
spec: { type: NodePort, selector: { app: agent }, ports: [{ port: 8080 }] }
`,
    });
    const desired = await desiredOf(dir.path);
    const nodePort = desired.services[0].ports[0].nodePort;
    assert.ok(nodePort !== undefined && nodePort >= 30000 && nodePort <= 32767, `allocated: ${nodePort}`);
    assert.equal((await applyToSwarm(applier(), desired, 'r1', 'rollout')).type, 'converged');
    const nodes = await client.listNodes();
    assert.deepEqual((await running('agent')).map((t) => t.nodeId).sort(), nodes.map((n) => n.id).sort(), 'one task on each node');
    for (const n of nodes) assert.ok((await get(`http://${n.address}:${nodePort}/index.html`))?.trim(), `${n.address}:${nodePort} answers`);
  });

  it('mounts a Secret as a file without printing its value, and prunes workloads, configs and secrets', async () => {
    const dir = await ManifestDir.create({
      'files.yaml': withFiles('one', SECRET_VALUE),
      'gone.yaml': deployment('gone', { replicas: 1 }),
    });
    const stateDir = await tempDir('berth-swarm-state-');
    const first = await cliApply(dir.path, stateDir);
    assert.equal(first.code, 0, describeRun(first));
    const [task] = await running('files');
    assert.equal(await inTask(swarm, client, task, 'cat /etc/token/token'), SECRET_VALUE);
    assert.equal(await inTask(swarm, client, task, 'stat -c %a /etc/token/token'), '400');
    assert.equal((await running('gone')).length, 1);
    const [oldConfig] = await client.listConfigs({ [LABEL.instance]: instance });
    const [oldSecret] = await client.listSecrets({ [LABEL.instance]: instance });
    // New page, new token, one workload less: the old config and secret go with the workload.
    await dir.write('files.yaml', withFiles('two', `${SECRET_VALUE}-2`));
    await dir.remove('gone.yaml');
    const second = await cliApply(dir.path, stateDir);
    assert.equal(second.code, 0, describeRun(second));
    assert.match(second.stdout, /remove service .*-gone/);
    for (const r of [first, second]) assert.ok(!(r.stdout + r.stderr).includes(SECRET_VALUE), `the value is in berth's output:\n${describeRun(r)}`);
    assert.deepEqual(
      (await client.listServices({ [LABEL.instance]: instance })).map((s) => s.spec.Labels[LABEL.owner]),
      ['files'],
    );
    const configs = await client.listConfigs({ [LABEL.instance]: instance });
    const secrets = await client.listSecrets({ [LABEL.instance]: instance });
    assert.equal(configs.length, 1);
    assert.notEqual(configs[0].name, oldConfig.name);
    assert.equal(secrets.length, 1);
    assert.notEqual(secrets[0].name, oldSecret.name);
    const [now] = await running('files');
    assert.equal(await inTask(swarm, client, now, 'cat /etc/token/token'), `${SECRET_VALUE}-2`);
  });

  it('resolves a ClusterIP Service by name inside a task, and self-heal puts back replicas scaled behind its back', async () => {
    const dir = await ManifestDir.create({
      'api.yaml': `${deployment('api', { replicas: 2 })}---
apiVersion: v1
kind: Service
metadata: { name: api }
spec: { selector: { app: api }, ports: [{ port: 8080 }] }
`,
      'client.yaml': deployment('client', { replicas: 1 }),
    });
    const desired = await desiredOf(dir.path);
    assert.equal((await applyToSwarm(applier(), desired, 'r1', 'rollout')).type, 'converged');
    // From another workload's task, on whatever node: the Service's name, short and fully qualified.
    const [clientTask] = await running('client');
    for (const name of ['api', 'api.default.svc.cluster.local'])
      assert.equal(await inTask(swarm, client, clientTask!, `wget -q -O - http://${name}:8080/index.html`), 'api', `${name} answers`);
    // `docker service scale api=1`, behind berth's back: a self-heal step scales it back to 2.
    const [svc] = await client.listServices({ [LABEL.instance]: instance, [LABEL.owner]: 'api' });
    const spec = svc!.spec;
    await client.updateService(svc!.id, svc!.version, { ...spec, Mode: { Replicated: { Replicas: 1 } } });
    await pollUntil(async () => ((await running('api')).length === 1 ? true : undefined), { timeoutMs: 60_000, what: 'api scaled to 1 by hand' });
    assert.equal((await applyToSwarm(applier(), desired, 'r1', 'self-heal')).type, 'converged');
    await pollUntil(async () => ((await running('api')).length === 2 ? true : undefined), { timeoutMs: 60_000, what: 'api back at 2 replicas' });
  });

  it('lets a new berth process continue a rollout another one started, replacing nothing', async () => {
    const dir = await ManifestDir.create({
      'web.yaml': deployment('web', { replicas: 2 }),
      'db.yaml': statefulSet('db', 'v1').replace('replicas: 1', 'replicas: 2'),
    });
    // The first berth makes one step: the Deployment and ordinal 0 (ordinal 1 waits for it), then is gone.
    const desired = await desiredOf(dir.path);
    const started = await applier().step(desired, 'r1', 'rollout');
    assert.equal(started.type, 'progressing');
    const names = async (): Promise<string[]> => (await client.listServices({ [LABEL.instance]: instance })).map((s) => s.spec.Name).sort();
    assert.deepEqual(await names(), [`${instance}-default-db-0`, `${instance}-default-web`]);
    const before = await pollUntil(async () => ((await running()).length === 3 ? await running() : undefined), {
      timeoutMs: 120_000,
      what: 'web x2 and db-0 running',
    });
    const stateDir = await tempDir('berth-swarm-state-');
    const r = await cliApply(dir.path, stateDir);
    assert.equal(r.code, 0, describeRun(r));
    assert.doesNotMatch(r.stdout, /update service/);
    assert.match(r.stdout, new RegExp(`create service ${instance}-default-db-1`));
    assert.deepEqual(await names(), [`${instance}-default-db-0`, `${instance}-default-db-1`, `${instance}-default-web`]);
    const ids = (await running()).map((t) => t.id);
    for (const t of before) assert.ok(ids.includes(t.id), `task ${t.specLabels[LABEL.pod]} kept`);
    // And once converged, another process finds nothing to do.
    const again = await cliApply(dir.path, stateDir);
    assert.equal(again.code, 0, describeRun(again));
    assert.match(again.stdout, /no changes: everything is as declared/);
    assert.deepEqual((await running()).map((t) => t.id).sort(), [...ids].sort());
  });
});
