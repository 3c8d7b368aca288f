/**
 * ClusterIP Services with anchors on a real engine: the name resolves to the Service's
 * anchor, whose proxy forwards port 80 to the pods' named targetPort 8080, round robin, and
 * only to ready pods (a pod that stops being ready leaves at the next probe); with the anchor
 * proxy process (userspace) and with nftables rules in the anchor's namespace (kernel).
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EngineApplier } from '../../../src/rollout/applier';
import { EndpointPublisher } from '../../../src/services/publisher';
import { serviceAnchorsAvailable } from '../../../src/services/anchors';
import { kernelSupport } from '../../../src/services/kernel/mode';
import { validateDirectory } from '../../../src/validate';
import { observe } from '../../../src/observe';
import { pollUntil } from '../../../src/util/eventually';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { disposeManifestDirs, ManifestDir } from '../../helpers/manifests';
import { ensureTestImage, PAUSE_COMMAND, TEST_IMAGE } from '../../helpers/testImage';

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ["sh", "-c", "mkdir -p /www; hostname > /www/index.html; touch /tmp/ready; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"]
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { exec: { command: [test, -f, /tmp/ready] }, periodSeconds: 1, failureThreshold: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: http }]
---
apiVersion: v1
kind: Pod
metadata: { name: client }
spec:
  terminationGracePeriodSeconds: 1
  containers: [{ name: c, image: ${TEST_IMAGE}, imagePullPolicy: Never, command: [/pause] }]
`;

for (const mode of ['userspace', 'kernel'] as const)
  describe(`ClusterIP Services through their anchor (--proxy-mode ${mode})`, function () {
    this.timeout(90_000);
    const runtime = testRuntime();
    const instance = uniqueInstance('clusterip');
    let stateDir: string;

    before(async function () {
      // Entering the anchor's network namespace needs root (see src/services/anchors.ts).
      if (!serviceAnchorsAvailable()) this.skip();
      if (mode === 'kernel' && !(await kernelSupport()).ok) this.skip();
      await ensureTestImage({ runtime });
      stateDir = await mkdtemp(path.join(tmpdir(), 'berth-clusterip-'));
    });
    after(async () => {
      await cleanupInstance(runtime, instance);
      await disposeManifestDirs();
      if (stateDir) await rm(stateDir, { recursive: true, force: true });
    });

    it('port 80 -> targetPort http, round robin, only ready pods', async () => {
      const dir = await ManifestDir.create({ 'app.yaml': manifests });
      const v = await validateDirectory(dir.path, { allowHostPath: [], allowPrivileged: false });
      assert.ok(v.ok);
      const publisher = new EndpointPublisher(runtime, {
        instance,
        stateDir,
        serviceAnchors: true,
        modes: { host: mode, anchors: mode, notes: [] },
        log: () => undefined,
      });
      const applier = new EngineApplier(runtime, {
        ...publisher.hooks(),
        serviceAnchors: true,
        instance,
        stateDir,
        pauseImage: TEST_IMAGE,
        pauseCommand: PAUSE_COMMAND,
        prune: true,
        pollMs: 200,
        log: () => undefined,
      });
      assert.equal((await applier.apply(v.desired, 'rev-1', 'rollout')).type, 'converged');

      const pods = (await observe(runtime, instance)).pods;
      const client = pods.find((p) => p.name === 'client')!.containers[0].id;
      const web = pods.filter((p) => p.owner === 'web' && p.kind === 'Deployment');
      // busybox wget crashes on name lookups in a static build; nc resolves through the engine's DNS.
      const ask = async () =>
        (await runtime.exec(client, ['sh', '-c', 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 web 80 | tail -1'], 10_000)).output.trim();
      const answers = async (n: number) => {
        const out = new Set<string>();
        for (let i = 0; i < n; i++) out.add(await ask());
        return out;
      };
      assert.deepEqual([...(await answers(6))].sort(), web.map((p) => p.name).sort());

      // One pod stops being ready: the name reaches only the other.
      await runtime.exec(web[0].containers[0].id, ['rm', '/tmp/ready'], 5000);
      await pollUntil(
        async () => {
          await applier.probe();
          const eps = publisher.status()?.listeners.find((l) => l.source === 'clusterIP')?.endpoints ?? [];
          return eps.length === 1 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 300, what: 'the unready pod to leave the endpoints' },
      );
      assert.deepEqual([...(await answers(6))], [web[1].name]);
    });
  });
