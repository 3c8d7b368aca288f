/**
 * berth's routing mesh on a real 3-node swarm (test/helpers/swarm.ts): the mesh image built
 * on each node from this host's node binary, a NodePort answering on every node, and a client
 * hitting every node's NodePort through a rolling update and an automatic rollback without a
 * failed request. One swarm for the file; each test has its own instance.
 */
import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { createSwarmClient, type SwarmClient } from '../../../src/runtime/swarm/client';
import { SwarmApplier } from '../../../src/swarm/applier';
import { applyToSwarm } from '../../../src/swarm/loop';
import { MESH_KIND, meshServiceName } from '../../../src/swarm/mesh/render';
import { validateDirectory } from '../../../src/validate';
import type { DesiredState } from '../../../src/model/types';
import { LABEL } from '../../../src/runtime/types';
import { pollUntil } from '../../../src/util/eventually';
import { startTestSwarm, type TestSwarm } from '../../helpers/swarm';
import { uniqueInstance } from '../../helpers/docker';
import { ManifestDir, disposeManifestDirs } from '../../helpers/manifests';
import { OperatorProcess, killOperators } from '../../helpers/operator';
import { cleanupTemp, commitFiles, makeRepo, tempDir } from '../../helpers/gitRepo';
import { runCli, describeRun } from '../../helpers/cli';

async function desiredOf(dir: string): Promise<DesiredState> {
  const outcome = await validateDirectory(dir);
  if (!outcome.ok) throw new Error(outcome.problems.map((p) => p.message).join('\n'));
  return outcome.desired;
}

/** One GET on a new connection; the body, or why it failed. */
function get(host: string, port: number, timeoutMs = 5000): Promise<{ ok: true; body: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/index.html', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(res.statusCode === 200 ? { ok: true, body: body.trim() } : { ok: false, error: `HTTP ${res.statusCode}` }));
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message }));
  });
}

/**
 * Requests one after another, to each address in turn, until stopped; what each answered.
 * One client, not one per node: enough to see a gap of a few milliseconds on any node, and
 * it leaves the 2 CPUs to the swarm.
 */
class Load {
  readonly failures: string[] = [];
  readonly bodies = new Map<string, number>();
  requests = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(addresses: string[], port: number) {
    this.loop = (async () => {
      for (let i = 0; !this.stopped; i++) {
        const a = addresses[i % addresses.length];
        const r = await get(a, port);
        this.requests++;
        if (r.ok) this.bodies.set(r.body, (this.bodies.get(r.body) ?? 0) + 1);
        else this.failures.push(`${a}: ${r.error}`);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

function web(name: string, opts: { text?: string; command?: string; nodePort?: number }): string {
  const cmd = opts.command ?? `mkdir -p /www && echo ${opts.text ?? name} > /www/index.html && exec httpd -f -p 8080 -h /www`;
  const svc = opts.nodePort
    ? `---
apiVersion: v1
kind: Service
metadata: { name: ${name} }
spec:
  type: NodePort
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: http, nodePort: ${opts.nodePort} }]
`
    : '';
  // start-first (maxUnavailable 0): a new task is healthy, so in the mesh's DNS, before an old one stops.
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2
  progressDeadlineSeconds: 120
  strategy: { type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: berth-test/busybox:latest
          command: ["sh", "-c", "${cmd}"]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /index.html, port: 8080 }, periodSeconds: 1 }
${svc}`;
}

describe('the mesh on a 3-node swarm: NodePorts on every node', function () {
  this.timeout(300_000);
  let swarm: TestSwarm;
  let client: SwarmClient;
  let image: string;
  let instance: string;

  before(async () => {
    swarm = await startTestSwarm(3, 'm');
    client = createSwarmClient({ socketPath: swarm.sockets[0] });
    // No registry: each node builds the image from this host's node binary, with the command users run.
    const tags = await Promise.all(
      swarm.sockets.map(async (socket) => {
        const r = await runCli(['swarm-mesh-image', '--state-dir', await tempDir('berth-mesh-image-')], {
          env: { DOCKER_HOST: `unix://${socket}` },
          timeoutMs: 120_000,
        });
        assert.equal(r.code, 0, describeRun(r));
        return r.stdout.trim();
      }),
    );
    image = tags[0];
    assert.match(image, /^berth-local\/mesh:[0-9a-f]{12}$/);
    assert.ok(tags.every((t) => t === image));
  });
  after(async () => {
    await swarm?.down();
  });
  beforeEach(() => {
    instance = uniqueInstance('mesh');
  });
  afterEach(async () => {
    await killOperators();
    await cleanupTemp();
    await disposeManifestDirs();
    const mine = { [LABEL.instance]: instance };
    for (const s of await client.listServices(mine)) await client.removeService(s.id);
    await pollUntil(async () => ((await client.listTasks(mine)).some((t) => t.state === 'running') ? undefined : true), {
      timeoutMs: 60_000,
      what: 'tasks gone',
    });
  });

  const meshTasks = async (): Promise<string[]> =>
    (await client.listTasks({ [LABEL.instance]: instance, [LABEL.kind]: MESH_KIND }))
      .filter((t) => t.state === 'running' && t.desiredState === 'running')
      .map((t) => t.nodeId);

  const named = async (): Promise<string[]> => (await client.listServices({ [LABEL.instance]: instance })).map((s) => s.spec.Name).sort();

  it('answers the NodePort of a 2-replica Deployment on all 3 nodes; berth delete removes it and the mesh', async () => {
    const dir = await ManifestDir.create({ 'web.yaml': web('two', { nodePort: 30281 }) });
    const a = new SwarmApplier(client, { instance, prune: true, meshImage: image });
    const outcome = await applyToSwarm(a, await desiredOf(dir.path), 'r1', 'rollout');
    assert.equal(outcome.type, 'converged', JSON.stringify(outcome));
    const workload = (await client.listTasks({ [LABEL.instance]: instance, [LABEL.owner]: 'two' })).filter((t) => t.state === 'running');
    assert.equal(workload.length, 2);
    assert.equal(new Set(await meshTasks()).size, 3);
    for (const addr of swarm.addresses) {
      const r = await pollUntil(async () => ((r) => (r.ok ? r : undefined))(await get(addr, 30281)), { timeoutMs: 15_000, what: `the NodePort on ${addr}` });
      assert.equal(r.body, 'two', addr);
    }
    const r = await runCli(['delete', dir.path, '--instance', instance, '--state-dir', await tempDir('berth-mesh-state-'), '--engine', 'swarm'], {
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`remove service ${meshServiceName(instance)}`));
    assert.deepEqual(await named(), []);
  });

  it('loses no request on any node through a rolling update and an automatic rollback (berth run)', async () => {
    const repo = await makeRepo();
    const one = await commitFiles(repo, { 'web.yaml': web('op', { text: 'one', nodePort: 30282 }) }, 'one');
    const op = await OperatorProcess.start({
      repo,
      instance,
      stateDir: await tempDir('berth-mesh-state-'),
      extra: ['--engine', 'swarm', '--swarm-mesh-image', image],
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
    });
    await op.waitFor(one, 'succeeded', 180_000);
    for (const addr of swarm.addresses) await pollUntil(async () => ((await get(addr, 30282)).ok ? true : undefined), { timeoutMs: 15_000, what: addr });
    const load = new Load(swarm.addresses, 30282);
    try {
      const two = await commitFiles(repo, { 'web.yaml': web('op', { text: 'two', nodePort: 30282 }) }, 'two');
      await op.waitFor(two, 'succeeded', 180_000);
      const bad = await commitFiles(repo, { 'web.yaml': web('op', { command: 'exit 3', nodePort: 30282 }) }, 'bad');
      const failed = await op.waitFor(bad, 'failed', 180_000);
      assert.equal(failed.rollbackTo, two);
      await pollUntil(
        async () => {
          const s = (await client.listServices({ [LABEL.instance]: instance, [LABEL.owner]: 'op' }))[0];
          const tasks = (await client.listTasks({ [LABEL.instance]: instance, [LABEL.owner]: 'op' })).filter((t) => t.desiredState === 'running');
          return s.spec.Labels[LABEL.revision] === two &&
            tasks.length === 2 &&
            tasks.every((t) => t.state === 'running' && t.specLabels[LABEL.specHash] === s.spec.Labels[LABEL.specHash])
            ? true
            : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 500, what: 'the good revision running again' },
      );
    } finally {
      await load.stop();
    }
    process.stderr.write(
      `      (${load.requests} requests to the 3 nodes, ${load.failures.length} failed: ${JSON.stringify(Object.fromEntries(load.bodies))})\n`,
    );
    assert.deepEqual(load.failures, [], `${load.failures.length} of ${load.requests} failed`);
    assert.ok((load.bodies.get('one') ?? 0) > 0 && (load.bodies.get('two') ?? 0) > 0, JSON.stringify([...load.bodies]));
    assert.deepEqual([...load.bodies.keys()].sort(), ['one', 'two']);
  });

  it('removes the mesh with the last NodePort, pruning or not', async () => {
    const dir = await ManifestDir.create({ 'web.yaml': web('gone', { nodePort: 30283 }) });
    const a = new SwarmApplier(client, { instance, prune: false, meshImage: image });
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r1', 'rollout')).type, 'converged');
    assert.ok((await named()).includes(meshServiceName(instance)));
    await dir.write('web.yaml', web('gone', {}));
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r2', 'rollout')).type, 'converged');
    assert.deepEqual(await named(), [`${instance}-default-gone`]);
  });
});
