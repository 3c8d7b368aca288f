/**
 * Zero downtime through a NodePort, end to end: `berth run` on a local git repo, a steady
 * stream of requests (a new connection each) through the Service's host port while
 * - a 3-replica Deployment rolls to a new version,
 * - a crash-looping commit is rolled back automatically,
 * - the operator is stopped with SIGTERM, killed with SIGKILL and started again.
 * Not one request may fail, with the userspace proxy, with nftables rules, and with what
 * `--proxy-mode auto` picks here (--proxy-mode).
 */
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cleanupInstance, testRuntime, uniqueInstance } from '../../helpers/docker';
import { OperatorProcess } from '../../helpers/operator';
import { cleanupTemp, commitFiles, makeRepo } from '../../helpers/gitRepo';
import { ensureTestImage, TEST_IMAGE } from '../../helpers/testImage';
import { Load } from './load';
import { runCli } from '../../helpers/cli';
import { pollUntil } from '../../../src/util/eventually';
import { ProxySupervisor } from '../../../src/services/proxy';
import { kernelSupport, resolveProxyModes } from '../../../src/services/kernel/mode';
import { HOST, ipTables } from '../../../src/services/kernel/nft';
import { kernelTableName } from '../../../src/services/kernel/ruleset';

const nodePort = 31700 + Math.floor(Math.random() * 50);

function manifests(version: string, command?: string): Record<string, string> {
  // Each answer takes 200 ms (a CGI script), so requests are in flight whenever a pod is
  // stopped: only taking it out of the endpoints and draining before SIGTERM saves them.
  const cgi = ['#!/bin/sh', 'sleep 0.2', 'printf "Content-Type: text/plain\\r\\n\\r\\n"', `echo ${version}`].map((l) => `'${l}'`).join(' ');
  const setup = `mkdir -p /www/cgi-bin; echo ${version} > /www/index.html; printf '%s\\n' ${cgi} > /www/cgi-bin/v; chmod +x /www/cgi-bin/v`;
  const serve = JSON.stringify(['sh', '-c', `${setup}; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait`]);
  return {
    'web.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  progressDeadlineSeconds: 20
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 3
      containers:
        - name: web
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: ${command ?? serve}
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: http }, periodSeconds: 1, failureThreshold: 1 }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, targetPort: http, nodePort: ${nodePort} }]
`,
  };
}

for (const mode of ['userspace', 'kernel', 'auto'] as const)
  describe(`zero downtime through a NodePort (--proxy-mode ${mode})`, function () {
    this.timeout(240_000);
    const runtime = testRuntime();
    const instance = uniqueInstance('traffic');
    let stateDir: string;
    let berth: OperatorProcess | undefined;
    let load: Load | undefined;

    before(async function () {
      if (mode !== 'userspace' && !(await kernelSupport()).ok) this.skip();
      await ensureTestImage({ runtime });
      stateDir = await mkdtemp(path.join(tmpdir(), 'berth-traffic-'));
    });
    after(async () => {
      await load?.stop();
      await berth?.kill('SIGKILL');
      await cleanupInstance(runtime, instance); // stops the proxy too
      if (stateDir) await rm(stateDir, { recursive: true, force: true });
      await cleanupTemp();
    });

    it('loses no request during a rolling update, an automatic rollback, and operator stop/kill/restart', async () => {
      const repo = await makeRepo();
      const v1 = await commitFiles(repo, manifests('v1'), 'web v1');
      const args = { repo, instance, stateDir, poll: '*/1 * * * * *', env: { BERTH_PROXY_MODE: mode } };
      let op = await OperatorProcess.start(args);
      berth = op;
      await op.waitFor(v1, 'succeeded', 90_000);

      // The Service's ready endpoints, in the status API and in `berth get endpoints`.
      const listeners = await pollUntil(
        async () => {
          const l = (await op.status()).services?.listeners ?? [];
          return l.some((x) => x.port === nodePort && x.endpoints.length === 3) ? l : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 300, what: 'the status API to show 3 ready endpoints on the NodePort' },
      );
      assert.ok(
        listeners.some((l) => l.source === 'clusterIP' && l.port === 80 && l.endpoints.every((e) => e.port === 8080)),
        JSON.stringify(listeners),
      );
      const got = await runCli(['get', 'endpoints', '--instance', instance, '--state-dir', stateDir]);
      assert.equal(got.code, 0, got.stderr);
      assert.match(got.stdout, new RegExp(`default/web:80 +TCP 0\\.0\\.0\\.0:${nodePort} +ok +(\\S+:8080[^,\\n]*, ){2}\\S+:8080`));
      // Who forwards the NodePort: the proxy process, or berth's nft table (auto: as this host allows).
      const modes = await resolveProxyModes(mode);
      const proxy = await new ProxySupervisor({ stateDir, instance }).running();
      assert.equal(proxy !== undefined, modes.host === 'userspace' || modes.anchors === 'userspace');
      assert.equal(((await ipTables(HOST)) ?? []).includes(kernelTableName(instance)), modes.host === 'kernel');

      load = new Load(`http://127.0.0.1:${nodePort}/cgi-bin/v`, 6).start();
      const phase = async (name: string, fn: () => Promise<void>) => {
        const before = load!.failed;
        await fn();
        assert.equal(load!.failed - before, 0, `${name}: ${load!.failed - before} request(s) failed: ${load!.errors.join('; ')}`);
      };

      await phase('rolling update', async () => {
        const v2 = await commitFiles(repo, manifests('v2'), 'web v2');
        await op.waitFor(v2, 'succeeded', 90_000);
      });
      await phase('automatic rollback', async () => {
        const bad = await commitFiles(repo, manifests('v3', JSON.stringify(['sh', '-c', 'exit 3'])), 'web v3 (crashes)');
        await op.waitFor(bad, 'failed', 90_000);
      });
      // While berth is down, traffic must keep flowing: each gap lasts until the proxy has
      // answered another batch of requests (not a fixed time), then berth comes back.
      const served = async (more: number, what: string) => {
        const from = load!.sent;
        await pollUntil(() => (load!.sent >= from + more ? true : undefined), { timeoutMs: 30_000, intervalMs: 50, what });
      };
      await phase('operator stopped, killed, restarted', async () => {
        assert.equal((await op.kill('SIGTERM')).code, 0);
        await served(100, '100 requests with the operator stopped');
        op = berth = await OperatorProcess.start(args);
        await op.kill('SIGKILL');
        await served(100, '100 requests with the operator killed');
        op = berth = await OperatorProcess.start(args);
        await served(150, '150 requests after the restart');
      });
      await load.stop();
      assert.ok(load.sent > 200, `only ${load.sent} requests sent`);
      assert.equal(load.failed, 0, load.errors.join('\n'));
      // Both versions served, and the bad one never did.
      assert.ok((load.bodies.get('v1') ?? 0) > 0 && (load.bodies.get('v2') ?? 0) > 0, JSON.stringify([...load.bodies]));
      assert.equal(load.bodies.get('v3'), undefined);
    });
  });
