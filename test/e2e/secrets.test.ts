/**
 * The sentinel test: `berth run` on a real git repository and the real engine, with a Secret
 * in clear and one encrypted with sops (age), both mounted as files. After a rollout, a
 * failed commit and its rollback, rejected commits (a tampered sops file, one for another
 * key, a schema error about a secret value), another rollout, a repaired drift and a stop,
 * the planted values are searched for in everything berth wrote: its stdout/stderr, the
 * state directory (journal, progress, proxy logs, ...), the git notes, the API answers, the
 * dashboard page, the notifications and commit statuses it sent, every container's labels
 * and `docker inspect`. Zero hits. The notifications and statuses are checked too.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo, tempDir } from '../helpers/gitRepo';
import { HttpRecorder } from '../helpers/httpRecorder';
import { containersOf, E2EEnv, NEVER_POLL, noteOf, runningIds, type OperatorProcess } from '../helpers/operator';
import { ageKeygen, sopsEncrypt } from '../helpers/sops';
import { TEST_IMAGE } from '../helpers/testImage';

const run = promisify(execFile);
const CLEAR = 'clear-Sentinel-b61e0d4a';
const SEALED = 'sealed-Sentinel-93c7f215';
const NUMERIC = '73915284601';
const SECRET_VALUES = [CLEAR, SEALED, NUMERIC];

const secret = (name: string, value: string | number) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
stringData:
  password: ${value}
`;

function web(version: string, crash = false): string {
  const script = crash ? 'exit 3' : "trap 'exit 0' TERM; test -s /etc/plain/password && test -s /etc/sealed/password && sleep 100000 & wait";
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  progressDeadlineSeconds: 15
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "${script}"]${crash ? '\n          readinessProbe: { exec: { command: [test, -f, /nonexistent] }, periodSeconds: 1 }' : ''}
          env:
            - { name: VERSION, value: "${version}" }
          volumeMounts:
            - { name: plain, mountPath: /etc/plain }
            - { name: sealed, mountPath: /etc/sealed }
      volumes:
        - { name: plain, secret: { secretName: plain } }
        - { name: sealed, secret: { secretName: sealed } }
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: { app: web }
  ports:
    - { port: 80, targetPort: 8080, nodePort: 31401 }
`;
}

/** Every file under `dir` (but `skip` sub-directories) whose bytes contain one of `needles`. */
async function hitsIn(dir: string, needles: string[], skip: string[] = []): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(e.parentPath ?? e.path, e.name);
    if (!e.isFile() || skip.some((s) => full.startsWith(path.join(dir, s) + path.sep))) continue;
    const bytes = await fs.readFile(full);
    for (const n of needles) if (bytes.includes(n)) hits.push(`${full} holds ${n}`);
  }
  return hits;
}

function textHits(what: string, text: string, needles: string[]): string[] {
  return needles.filter((n) => text.includes(n)).map((n) => `${what} holds ${n}`);
}

describe('e2e: secret values stay secret (sentinel), and every outcome is heard of', function () {
  this.timeout(240_000);
  const env = new E2EEnv('op-secrets');
  let hooks: HttpRecorder;
  before(async () => {
    await env.prepare();
    hooks = await HttpRecorder.start();
  });
  after(async () => {
    await env.cleanup();
    await hooks.close();
  });

  it('no planted value anywhere berth writes; notifications and statuses for every outcome', async () => {
    const keys = await tempDir('berth-keys-');
    const [ops, other] = await Promise.all([ageKeygen(keys, 'ops'), ageKeygen(keys, 'other')]);
    await fs.writeFile(path.join(keys, 'hook-secret'), 'hook-s3cret\n');
    await fs.writeFile(path.join(keys, 'token'), 'tok-e2e\n');
    const seal = (value: string | number, recipient = ops.recipient) =>
      sopsEncrypt(secret('sealed', value), { recipients: [recipient], rule: { encrypted_regex: '^(data|stringData)$' } });
    const sealedOk = seal(SEALED);

    const repo = await makeRepo();
    const c1 = await commitFiles(repo, { 'plain.yaml': secret('plain', CLEAR), 'sealed.yaml': sealedOk, 'web.yaml': web('v1') }, 'web v1 with secrets');
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const extra = [
      '--age-key-file',
      ops.file,
      '--notify',
      `${hooks.url}/hook`,
      '--notify',
      `slack:${hooks.url}/slack`,
      '--notify-secret-file',
      path.join(keys, 'hook-secret'),
      '--commit-status',
      'github',
      '--api',
      `${hooks.url}/gh`,
      '--token-file',
      path.join(keys, 'token'),
      '--commit-status-repo',
      'team/app',
    ];
    const op: OperatorProcess = await env.start({ repo, instance, stateDir, poll: NEVER_POLL, extra, env: { XDG_CONFIG_HOME: keys } });
    await op.waitFor(c1, 'succeeded', 60_000);
    const [pod] = (await containersOf(env.runtime, instance)).filter((c) => c.labels['io.berth.kind'] === 'Deployment');
    const { stdout: inPod } = await run('docker', ['exec', pod!.id, 'cat', '/etc/sealed/password']);
    assert.equal(inPod, SEALED, 'the sops Secret was decrypted into the pod');

    const c2 = await commitFiles(repo, { 'web.yaml': web('v2', true) }, 'web v2 crashes');
    const failed = await op.waitFor(c2, 'failed', 60_000);
    assert.equal(failed.rollbackTo, c1);
    const rolledBack = async () => {
      const all = await containersOf(env.runtime, instance);
      const web1 = all.filter((c) => c.labels['io.berth.kind'] === 'Deployment');
      return web1.length === 1 && web1[0]!.state === 'running' && web1[0]!.labels['io.berth.revision'] === c1 ? true : undefined;
    };
    await pollUntil(rolledBack, { timeoutMs: 30_000, what: 'the rollback to c1 finished' });
    const beforeRejected = await runningIds(env.runtime, instance);
    const c3 = await commitFiles(
      repo,
      { 'sealed.yaml': sealedOk.replace(/(password: ENC\[AES256_GCM,data:)(.)/, (_m, a: string, b: string) => a + (b === 'A' ? 'B' : 'A')) },
      'tampered',
    );
    const tampered = await op.waitFor(c3, 'rejected', 30_000);
    assert.match((tampered.errors ?? []).join('\n'), /^sealed\.yaml:7:\d+: stringData\.password: cannot decrypt this value/m);
    const c4 = await commitFiles(repo, { 'sealed.yaml': seal(SEALED, other.recipient) }, 'for another key');
    const foreign = await op.waitFor(c4, 'rejected', 30_000);
    assert.match((foreign.errors ?? []).join('\n'), /^sealed\.yaml:\d+:\d+: sops\.age: cannot decrypt: encrypted for another key/m);
    const c5 = await commitFiles(repo, { 'sealed.yaml': seal(Number(NUMERIC)) }, 'a number where a string goes');
    await op.waitFor(c5, 'rejected', 30_000);
    assert.deepEqual(await runningIds(env.runtime, instance), beforeRejected, 'a rejected commit changed the engine');
    const c6 = await commitFiles(repo, { 'sealed.yaml': sealedOk, 'web.yaml': web('v3') }, 'web v3');
    await op.waitFor(c6, 'succeeded', 60_000);

    const [v3] = (await containersOf(env.runtime, instance)).filter((c) => c.labels['io.berth.kind'] === 'Deployment' && c.state === 'running');
    await env.runtime.removeContainer(v3!.id);
    const hookEvents = () => hooks.received.filter((r) => r.url === '/hook').map((r) => JSON.parse(r.body) as { event: string; revision?: { sha: string } });
    await pollUntil(() => (hookEvents().some((e) => e.event === 'drift-repaired' && e.revision?.sha === c6) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a drift-repaired notification',
    });

    const answers: string[] = [];
    for (const p of ['/api/v1/status', '/api/v1/revisions?limit=100', '/metrics', '/']) answers.push(`${p}\n${await (await fetch(op.url + p)).text()}`);
    const containers = await containersOf(env.runtime, instance);
    const inspected = containers.length ? (await run('docker', ['inspect', ...containers.map((c) => c.id)], { maxBuffer: 64 * 1024 * 1024 })).stdout : '';
    await op.kill('SIGTERM');
    await pollUntil(() => (hookEvents().some((e) => e.event === 'stopped') ? true : undefined), { timeoutMs: 15_000, what: 'a stopped notification' });

    // Notifications: every outcome, in order per commit, signed; commit statuses per revision.
    const seen = hookEvents().map((e) => `${e.event}${e.revision ? `:${e.revision.sha}` : ''}`);
    for (const want of [
      'started',
      `applying:${c1}`,
      `succeeded:${c1}`,
      `applying:${c2}`,
      `failed:${c2}`,
      `rejected:${c3}`,
      `rejected:${c4}`,
      `rejected:${c5}`,
      `succeeded:${c6}`,
      `drift-repaired:${c6}`,
      'stopped',
    ]) {
      assert.ok(seen.includes(want), `no ${want} notification among ${seen.join(', ')}`);
    }
    assert.ok(hooks.received.filter((r) => r.url === '/hook').every((r) => /^sha256=[0-9a-f]{64}$/.test(String(r.headers['x-berth-signature-256']))));
    assert.ok(hooks.received.some((r) => r.url === '/slack' && /\*rejected\*/.test(r.body)));
    const statuses = hooks.received
      .filter((r) => r.url.startsWith('/gh/'))
      .map((r) => `${r.url.split('/').pop()}:${(JSON.parse(r.body) as { state: string }).state}`);
    for (const want of [`${c1}:pending`, `${c1}:success`, `${c2}:failure`, `${c3}:failure`, `${c6}:success`])
      assert.ok(statuses.includes(want), `no status ${want} among ${statuses.join(', ')}`);

    // The sentinel search. berth's checkouts of the user's commits hold the files as committed:
    // the Secret committed in clear is in clear there (that is what sops is for), so the
    // checkouts are searched for the encrypted and the numeric value only.
    const hits = [
      ...textHits('berth run output', op.output, SECRET_VALUES),
      ...(await hitsIn(stateDir, SECRET_VALUES, ['worktrees', 'repo'])),
      ...(await hitsIn(stateDir, [SEALED, NUMERIC])),
      ...answers.flatMap((a) => textHits(`API ${a.split('\n')[0]}`, a, SECRET_VALUES)),
      ...hooks.received.flatMap((r) => textHits(`notification to ${r.url}`, r.body, SECRET_VALUES)),
      ...textHits('container labels', JSON.stringify(containers.map((c) => c.labels)), SECRET_VALUES),
      ...textHits('docker inspect', inspected, SECRET_VALUES),
    ];
    for (const sha of [c1, c2, c3, c4, c5, c6]) hits.push(...textHits(`note on ${sha}`, (await noteOf(stateDir, sha)) ?? '', SECRET_VALUES));
    assert.deepEqual(hits, []);
    // Controls: the searched outputs are the real ones, and the search finds what is there.
    assert.ok(answers[0]!.includes(c6) && inspected.includes('/etc/sealed'));
    assert.ok((await hitsIn(path.join(stateDir, 'worktrees'), [CLEAR])).length > 0, 'the clear Secret is in the checkouts, as committed');
  });
});
