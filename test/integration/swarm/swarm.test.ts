/**
 * The swarm engine on a real 3-node swarm made on this machine (test/helpers/swarm.ts).
 * One swarm for the file; each test has its own instance and removes what it made.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { createSwarmClient, type SwarmClient } from '../../../src/runtime/swarm/client';
import type { SwarmService, SwarmTask } from '../../../src/runtime/swarm/types';
import { SwarmApplier } from '../../../src/swarm/applier';
import { applyToSwarm } from '../../../src/swarm/loop';
import { LABEL } from '../../../src/runtime/types';
import { pollUntil } from '../../../src/util/eventually';
import { startTestSwarm, type TestSwarm } from '../../helpers/swarm';
import { deployment, desiredOf, dockerOn, get, inTask, statefulSet } from '../../helpers/swarmManifests';
import { uniqueInstance } from '../../helpers/docker';
import { ManifestDir, REPO_ROOT, disposeManifestDirs } from '../../helpers/manifests';
import { runCli, describeRun } from '../../helpers/cli';
import { OperatorProcess, killOperators } from '../../helpers/operator';
import { cleanupTemp, commitFiles, makeRepo, tempDir } from '../../helpers/gitRepo';

describe('swarm engine on a 3-node swarm', function () {
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

  const applier = (): SwarmApplier => new SwarmApplier(client, { instance, prune: true });
  const nodeOf = async (owner: string): Promise<string[]> =>
    (await client.listTasks({ [LABEL.instance]: instance, [LABEL.owner]: owner }))
      .filter((t) => t.state === 'running' && t.desiredState === 'running')
      .map((t) => t.nodeId);

  it('runs the repo-template unchanged: web behind its NodePort, the StatefulSet one service per ordinal', async () => {
    const desired = await desiredOf(path.join(REPO_ROOT, 'repo-template'));
    const outcome = await applyToSwarm(applier(), desired, 'r1', 'rollout');
    assert.equal(outcome.type, 'converged', JSON.stringify(outcome));
    const names = (await client.listServices({ [LABEL.instance]: instance })).map((s) => s.spec.Name).sort();
    assert.deepEqual(names, [`${instance}-default-store-0`, `${instance}-default-store-1`, `${instance}-default-web`]);
    // Two web replicas on two nodes: the page (a swarm config) answers on those nodes' port 30080.
    // A node is found by its own address: the swarm lists nodes by id, not in the order they joined.
    const nodes = await client.listNodes();
    const webNodes = await nodeOf('web');
    const answers = await Promise.all(webNodes.map((id) => get(`http://${nodes.find((n) => n.id === id)?.address}:30080/index.html`)));
    assert.deepEqual(
      answers.map((a) => a?.includes('Hello from berth')),
      [true, true],
    );
  });

  it('spreads replicas over the nodes and answers the NodePort on every node', async () => {
    const dir = await ManifestDir.create({ 'web.yaml': deployment('spread', { replicas: 3, nodePort: 30181 }) });
    assert.equal((await applyToSwarm(applier(), await desiredOf(dir.path), 'r1', 'rollout')).type, 'converged');
    assert.equal(new Set(await nodeOf('spread')).size, 3);
    for (const a of swarm.addresses) assert.equal((await get(`http://${a}:30181/index.html`))?.trim(), 'spread', a);
  });

  it('rolls an update across the nodes, and rolls a failing revision back', async () => {
    const dir = await ManifestDir.create({ 'web.yaml': deployment('roll', { replicas: 3, text: 'one', nodePort: 30182 }) });
    const a = applier();
    const good = await desiredOf(dir.path);
    assert.equal((await applyToSwarm(a, good, 'r1', 'rollout')).type, 'converged');
    await dir.write('web.yaml', deployment('roll', { replicas: 3, text: 'two', nodePort: 30182 }));
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r2', 'rollout')).type, 'converged');
    for (const addr of swarm.addresses) assert.equal((await get(`http://${addr}:30182/index.html`))?.trim(), 'two', addr);
    // A revision whose container exits: the swarm pauses the update, berth calls it failed ...
    await dir.write('web.yaml', deployment('roll', { replicas: 3, command: 'exit 3', nodePort: 30182 }));
    const bad = await applyToSwarm(a, await desiredOf(dir.path), 'r3', 'rollout');
    assert.equal(bad.type, 'failed', JSON.stringify(bad));
    // ... and goes back to the last good one, as the reconciler does (mode rollback).
    await dir.write('web.yaml', deployment('roll', { replicas: 3, text: 'two', nodePort: 30182 }));
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r2', 'rollback')).type, 'converged');
    for (const addr of swarm.addresses) assert.equal((await get(`http://${addr}:30182/index.html`))?.trim(), 'two', addr);
  });

  it('berth apply picks the swarm engine by itself when the engine is a manager', async () => {
    const dir = await ManifestDir.create({ 'web.yaml': deployment('cli', { replicas: 2 }) });
    const r = await runCli(['apply', dir.path, '--instance', instance, '--state-dir', await tempDir('berth-swarm-state-')], {
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
      timeoutMs: 300_000,
    });
    assert.equal(r.code, 0, describeRun(r));
    assert.match(r.stdout, new RegExp(`create service ${instance}-default-cli`));
    assert.equal((await nodeOf('cli')).length, 2);
  });

  it('berth run --engine swarm rolls a failing commit back to the last good one', async () => {
    const repo = await makeRepo();
    const good = await commitFiles(repo, { 'web.yaml': deployment('op', { replicas: 2, text: 'good', nodePort: 30183 }) }, 'good');
    const op = await OperatorProcess.start({
      repo,
      instance,
      stateDir: await tempDir('berth-swarm-state-'),
      extra: ['--engine', 'swarm'],
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
    });
    await op.waitFor(good, 'succeeded', 300_000);
    const bad = await commitFiles(repo, { 'web.yaml': deployment('op', { replicas: 2, command: 'exit 3', nodePort: 30183 }) }, 'bad');
    const failed = await op.waitFor(bad, 'failed', 300_000);
    assert.equal(failed.rollbackTo, good);
    // Back on the good revision's spec: every running task serves it again.
    await pollUntil(
      async () => {
        const s = (await client.listServices({ [LABEL.instance]: instance }))[0];
        const tasks = (await client.listTasks({ [LABEL.instance]: instance })).filter((t) => t.desiredState === 'running' && t.state === 'running');
        return s.spec.Labels[LABEL.revision] === good &&
          tasks.length === 2 &&
          tasks.every((t) => t.specLabels[LABEL.specHash] === s.spec.Labels[LABEL.specHash])
          ? true
          : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 500, what: 'the good revision running again' },
    );
  });

  it('places by nodeSelector and by free memory; a request that fits nowhere is pending with the reason', async () => {
    const nodes = await client.listNodes();
    const mem = Math.min(...nodes.map((n) => n.memoryBytes));
    const fill = Math.floor((mem * 0.8) / (1024 * 1024));
    const req = Math.floor((mem * 0.5) / (1024 * 1024));
    const filler = (n: number): string => `
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: fill-n${n} }
spec:
  replicas: 1
  selector: { matchLabels: { app: fill-n${n} } }
  template:
    metadata: { labels: { app: fill-n${n} } }
    spec:
      terminationGracePeriodSeconds: 1
      nodeSelector: { berth.node: n${n} }
      containers:
        - name: c
          image: berth-test/busybox:latest
          imagePullPolicy: Never
          command: ["sleep", "3600"]
          resources: { requests: { memory: ${fill}Mi } }
`;
    const dir = await ManifestDir.create({ 'fill.yaml': filler(1) + filler(2) });
    const a = applier();
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r1', 'rollout')).type, 'converged');
    const ids = nodes.map((n) => n.id);
    const byLabel = new Map(nodes.map((n) => [n.labels['berth.node'], n.id]));
    assert.deepEqual(await nodeOf('fill-n1'), [byLabel.get('n1')]);
    assert.deepEqual(await nodeOf('fill-n2'), [byLabel.get('n2')]);
    const big = (name: string, mi: number) => deployment(name, { replicas: 1, extra: `          resources: { requests: { memory: ${mi}Mi } }\n` });
    await dir.write('big.yaml', big('big', req));
    assert.equal((await applyToSwarm(a, await desiredOf(dir.path), 'r2', 'rollout')).type, 'converged');
    assert.deepEqual(await nodeOf('big'), [byLabel.get('n3')], `nodes: ${ids.join(' ')}`);
    await dir.write('huge.yaml', big('huge', Math.floor((mem * 4) / (1024 * 1024))));
    const desired = await desiredOf(dir.path);
    const pending = await pollUntil(
      async () => {
        await a.step(desired, 'r3', 'rollout');
        return a.resources().find((r) => r.name === 'huge' && /insufficient resources/.test(r.message));
      },
      { timeoutMs: 30_000, what: 'huge reported pending' },
    );
    assert.equal(pending.health, 'Progressing');
  });

  it("keeps a StatefulSet ordinal on its volume's node: the data survives a rolling update and a restarted berth", async () => {
    const dir = await ManifestDir.create({ 'keep.yaml': statefulSet('keep', 'v1') });
    assert.equal((await applyToSwarm(applier(), await desiredOf(dir.path), 'r1', 'rollout')).type, 'converged');
    const service = async (): Promise<SwarmService> => (await client.listServices({ [LABEL.instance]: instance, [LABEL.owner]: 'keep' }))[0];
    const running = async (): Promise<SwarmTask> => {
      const [t] = (await client.listTasks({ [LABEL.instance]: instance, [LABEL.owner]: 'keep' })).filter(
        (x) => x.state === 'running' && x.desiredState === 'running',
      );
      assert.ok(t?.containerId, 'keep-0 runs');
      return t;
    };
    const first = await running();
    const pinned = (await service()).spec;
    assert.equal(pinned.Labels[LABEL.node], first.nodeId);
    assert.deepEqual(pinned.TaskTemplate.Placement.Constraints, [`node.id==${first.nodeId}`]);
    // Pinning did not replace the task: the swarm keeps a task whose node meets a new constraint.
    assert.equal((await client.listTasks({ [LABEL.instance]: instance, [LABEL.owner]: 'keep' })).length, 1);
    await inTask(swarm, client, first, 'echo kept > /data/marker');
    // Crowd the ordinal's node: unpinned, the swarm would start the new task on a less busy node.
    const label = (await client.listNodes()).find((n) => n.id === first.nodeId)?.labels['berth.node'];
    await dir.write('crowd.yaml', deployment('crowd', { replicas: 3, extra: `      nodeSelector: { berth.node: ${label} }\n` }));
    await dir.write('keep.yaml', statefulSet('keep', 'v2'));
    assert.equal((await applyToSwarm(applier(), await desiredOf(dir.path), 'r2', 'rollout')).type, 'converged');
    const second = await running();
    assert.notEqual(second.id, first.id, 'the rolling update replaced the task');
    assert.equal(second.nodeId, first.nodeId);
    assert.equal(await inTask(swarm, client, second, 'cat /data/marker'), 'kept');
    // Another berth process, which knows the pin only from the service's label.
    await dir.write('keep.yaml', statefulSet('keep', 'v3'));
    const r = await runCli(['apply', dir.path, '--instance', instance, '--state-dir', await tempDir('berth-swarm-state-')], {
      env: { DOCKER_HOST: `unix://${swarm.sockets[0]}` },
      timeoutMs: 300_000,
    });
    assert.equal(r.code, 0, describeRun(r));
    const third = await running();
    assert.notEqual(third.id, second.id);
    assert.equal(third.nodeId, first.nodeId);
    assert.equal(await inTask(swarm, client, third, 'cat /data/marker'), 'kept');
    // The node leaves (drained): the ordinal waits for it, pending, as a pod whose local volume is on a gone node.
    await dockerOn(swarm.sockets[0], ['node', 'update', '--availability', 'drain', first.nodeId]);
    try {
      const a = applier();
      const desired = await desiredOf(dir.path);
      const pending = await pollUntil(
        async () => {
          await a.step(desired, 'r3', 'self-heal');
          return a.resources().find((x) => x.name === 'keep-0' && /pending: /.test(x.message));
        },
        { timeoutMs: 60_000, what: 'keep-0 reported pending' },
      );
      assert.equal(pending.health, 'Progressing', pending.message);
      assert.deepEqual(await nodeOf('keep'), []);
    } finally {
      await dockerOn(swarm.sockets[0], ['node', 'update', '--availability', 'active', first.nodeId]);
    }
    const back = await pollUntil(async () => ((await nodeOf('keep')).length === 1 ? await running() : undefined), {
      timeoutMs: 120_000,
      what: 'keep-0 back',
    });
    assert.equal(back.nodeId, first.nodeId);
    assert.equal(await inTask(swarm, client, back, 'cat /data/marker'), 'kept');
  });

  it("moves a stopped worker's tasks to the other nodes", async () => {
    const dir = await ManifestDir.create({ 'web.yaml': deployment('move', { replicas: 3 }) });
    assert.equal((await applyToSwarm(applier(), await desiredOf(dir.path), 'r1', 'rollout')).type, 'converged');
    const nodes = await client.listNodes();
    const n3 = nodes.find((n) => n.labels['berth.node'] === 'n3')!.id;
    assert.ok((await nodeOf('move')).includes(n3));
    await swarm.stopNode(3);
    try {
      await pollUntil(
        async () => {
          const on = await nodeOf('move');
          return on.length === 3 && !on.includes(n3) ? true : undefined;
        },
        { timeoutMs: 300_000, intervalMs: 500, what: '3 tasks running on nodes 1 and 2' },
      );
    } finally {
      await swarm.startNode(3);
    }
  });
});
