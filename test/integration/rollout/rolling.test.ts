/**
 * Rollouts against the real engine, watched from outside by a sampler: bounds of a rolling
 * update, Recreate, StatefulSet order and partition, and bad commits rolled back with the
 * old pods serving throughout.
 */
import * as assert from 'node:assert/strict';
import { ApplyHarness } from '../apply/harness';
import { cleanupInstance } from '../../helpers/docker';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { TEST_IMAGE } from '../../helpers/testImage';
import { Sampler, type Sample } from './sampler';

/** busybox httpd serving `version` on :80 after `delay` s; exits at once on SIGTERM. */
function server(version: string, delay = 1): string {
  return JSON.stringify(['sh', '-c', `mkdir -p /www; echo ${version} > /www/index.html; trap 'exit 0' TERM; sleep ${delay}; httpd -f -p 80 -h /www & wait`]);
}

interface WebOpts {
  replicas: number;
  command: string;
  strategy?: string;
  readinessPath?: string;
  deadline?: number;
}

function deployment(o: WebOpts): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${o.replicas}
  progressDeadlineSeconds: ${o.deadline ?? 60}
  strategy: ${o.strategy ?? '{ type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } }'}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ${o.command}
          ports: [{ containerPort: 80 }]
          readinessProbe:
            httpGet: { path: ${o.readinessPath ?? '/'}, port: 80 }
            periodSeconds: 1
            failureThreshold: 1
`;
}

const serving = (s: Sample) => s.pods.filter((p) => p.serving).length;
const ids = async (h: ApplyHarness, owner: string) => (await h.podsOf(owner)).map((p) => p.containers[0].id).sort();

describe('rollout on a real engine', function () {
  this.timeout(120_000);
  let h: ApplyHarness;
  let dir: ManifestDir;

  beforeEach(async () => {
    h = await ApplyHarness.create('rollout');
  });
  afterEach(async () => {
    await cleanupInstance(h.runtime, h.instance);
    await disposeManifestDirs();
  });

  async function converge(yaml: string): Promise<void> {
    dir = await ManifestDir.create({ 'web.yaml': yaml });
    await h.converge(dir);
  }

  it('RollingUpdate of 4 replicas (surge 1, unavailable 1): never more than 5 pods, never fewer than 3 serving', async () => {
    await converge(deployment({ replicas: 4, command: server('v1') }));
    const sampler = new Sampler(h.runtime, h.instance, 'web').start();
    await dir.write('web.yaml', deployment({ replicas: 4, command: server('v2') }));
    await h.converge(dir);
    const samples = await sampler.stop();
    const most = Math.max(...samples.map((s) => s.pods.length));
    const least = Math.min(...samples.map(serving));
    assert.ok(samples.length > 10, `only ${samples.length} samples`);
    assert.ok(most <= 5, `${most} pods at once`);
    assert.ok(least >= 3, `only ${least} pods serving at one point`);
    // It rolled in steps: some sample saw old and new pods side by side.
    assert.ok(
      samples.some((s) => new Set(s.pods.map((p) => p.specHash)).size === 2),
      'never saw both templates',
    );
    const pods = await h.podsOf('web');
    assert.equal(pods.length, 4);
    assert.equal(new Set(pods.map((p) => p.specHash)).size, 1);
  });

  it('Recreate: the old pods are all gone before a new one starts', async () => {
    const strategy = '{ type: Recreate }';
    await converge(deployment({ replicas: 2, command: server('v1'), strategy }));
    const before = new Set((await h.podsOf('web')).map((p) => p.specHash));
    const sampler = new Sampler(h.runtime, h.instance, 'web').start();
    await dir.write('web.yaml', deployment({ replicas: 2, command: server('v2'), strategy }));
    await h.converge(dir);
    const samples = await sampler.stop();
    assert.ok(
      samples.every((s) => new Set(s.pods.map((p) => p.specHash)).size <= 1),
      'old and new pods ran together',
    );
    assert.ok(
      samples.some((s) => s.pods.some((p) => before.has(p.specHash))) && samples.some((s) => s.pods.some((p) => !before.has(p.specHash))),
      'the sampler missed one of the two templates',
    );
    assert.ok((await h.podsOf('web')).every((p) => !before.has(p.specHash)));
  });

  const badCommits: [string, Partial<WebOpts>, RegExp][] = [
    ['a crash-looping commit', { command: JSON.stringify(['sh', '-c', 'echo about to crash; exit 3']) }, /exit(ed with)? code 3|restarted/],
    ['a never-ready commit', { command: server('v2', 0), readinessPath: '/healthz', deadline: 6 }, /no progress|not ready|readiness/],
  ];
  for (const [name, bad, reason] of badCommits) {
    it(`${name} fails and is rolled back; the old pods keep serving throughout and are not recreated`, async () => {
      const strategy = '{ type: RollingUpdate, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }';
      const good = deployment({ replicas: 3, command: server('v1'), strategy });
      await converge(good);
      const oldIds = await ids(h, 'web');
      const sampler = new Sampler(h.runtime, h.instance, 'web').start();
      await dir.write('web.yaml', deployment({ replicas: 3, command: server('v2'), strategy, ...bad }));
      const failed = await h.apply(dir);
      assert.equal(failed.outcome.type, 'failed', JSON.stringify(failed.outcome));
      if (failed.outcome.type === 'failed') assert.match(failed.outcome.reason, reason);
      await dir.write('web.yaml', good);
      const back = await h.apply(dir, { mode: 'rollback' });
      assert.equal(back.outcome.type, 'converged', JSON.stringify(back.outcome));
      const samples = await sampler.stop();
      assert.ok(Math.min(...samples.map(serving)) >= 3, `only ${Math.min(...samples.map(serving))} serving at one point`);
      assert.deepEqual(await ids(h, 'web'), oldIds);
      assert.ok(
        back.actions.every((a) => a.type !== 'create-pod'),
        'the rollback created pods',
      );
    });
  }
});

describe('StatefulSet rollout on a real engine', function () {
  this.timeout(120_000);
  let h: ApplyHarness;

  before(async () => {
    h = await ApplyHarness.create('rollout-sts');
  });
  after(async () => {
    await cleanupInstance(h.runtime, h.instance);
    await disposeManifestDirs();
  });

  const sts = (version: string, partition: number) => `
apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 80 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  replicas: 3
  serviceName: db
  updateStrategy: { type: RollingUpdate, rollingUpdate: { partition: ${partition} } }
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: db
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ${server(version)}
          readinessProbe: { httpGet: { path: /, port: 80 }, periodSeconds: 1, failureThreshold: 1 }
          volumeMounts: [{ name: data, mountPath: /data }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Mi } } }
`;

  it('OrderedReady: each ordinal exists only after the one below serves; partition 1 updates ordinals 2 then 1 and keeps 0; volumes stay', async () => {
    const dir = await ManifestDir.create({ 'db.yaml': sts('v1', 1) });
    const sampler = new Sampler(h.runtime, h.instance, 'db').start();
    await h.converge(dir);
    const first = (pred: (s: Sample) => boolean) => sampler.samples.find(pred)?.at ?? Infinity;
    for (const i of [1, 2]) {
      const exists = first((s) => s.pods.some((p) => p.name === `db-${i}`));
      const belowServes = first((s) => s.pods.some((p) => p.name === `db-${i - 1}` && p.serving));
      assert.ok(belowServes <= exists, `db-${i} appeared before db-${i - 1} served`);
    }
    const zero = (await h.podsOf('db')).find((p) => p.name === 'db-0')!.containers[0].id;
    await h.exec('db-2', 'db', ['sh', '-c', 'echo kept > /data/mark']);
    const update = await h.apply(await ManifestDir.create({ 'db.yaml': sts('v2', 1) }));
    await sampler.stop();
    assert.equal(update.outcome.type, 'converged', JSON.stringify(update.outcome));
    const removed = update.actions.filter((a) => a.type === 'remove-pod').map((a) => (a.type === 'remove-pod' ? a.pod : ''));
    assert.deepEqual(removed, ['db-2', 'db-1']);
    const pods = await h.podsOf('db');
    assert.equal(pods.find((p) => p.name === 'db-0')!.containers[0].id, zero);
    assert.equal(new Set(pods.filter((p) => p.name !== 'db-0').map((p) => p.specHash)).size, 1);
    // The ordinal's volume survived its pod's replacement.
    assert.equal((await h.exec('db-2', 'db', ['cat', '/data/mark'])).output.trim(), 'kept');
  });
});
