/**
 * The sentinel test: `berth run` on a real git repository and the real engine, with a Secret
 * in clear, one encrypted with sops (age) and a ConfigMap encrypted with sops, all mounted as
 * files. After a rollout, a failed commit and its rollback, rejected commits (a tampered
 * value, a bad MAC, one for another key, a schema error about a secret value), a superseded
 * commit, another rollout, a repaired drift and a stop, the planted values are searched for
 * in everything berth wrote: its stdout/stderr, the state directory (journal, progress, proxy
 * logs, ...), the git notes, the API answers and the dashboard's page and view (taken after
 * each phase), the notifications and commit statuses it sent, every container's labels and
 * `docker inspect` (after each phase), and the output of `berth diff` and `berth validate`.
 * Zero hits. Every notification and commit status is checked too.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo, tempDir } from '../helpers/gitRepo';
import { runCli } from '../helpers/cli';
import { HttpRecorder } from '../helpers/httpRecorder';
import { containersOf, E2EEnv, NEVER_POLL, noteOf, runningIds, type OperatorProcess } from '../helpers/operator';
import { ageKeygen, sopsEncrypt } from '../helpers/sops';
import { TEST_IMAGE } from '../helpers/testImage';

const run = promisify(execFile);
const CLEAR = 'clear-Sentinel-b61e0d4a';
const SEALED = 'sealed-Sentinel-93c7f215';
const NUMERIC = '73915284601';
const SEALED_CONFIG = 'sealed-Config-5e1a9c27';
const SECRET_VALUES = [CLEAR, SEALED, NUMERIC, SEALED_CONFIG];
/** What is encrypted in git: in clear nowhere berth writes, berth's checkouts included. */
const ENCRYPTED_VALUES = [SEALED, NUMERIC, SEALED_CONFIG];

const secret = (name: string, value: string | number) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
type: Opaque
stringData:
  password: ${value}
`;

const settings = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  dsn: ${SEALED_CONFIG}
`;

/** `crash`: exits at once; `never-ready`: runs, but its readiness probe never passes. */
function web(version: string, how: 'ok' | 'crash' | 'never-ready' = 'ok'): string {
  const crash = how === 'crash';
  const files = 'test -s /etc/plain/password && test -s /etc/sealed/password && test -s /etc/settings/dsn';
  const script = crash ? 'exit 3' : `trap 'exit 0' TERM; ${files} && sleep 100000 & wait`;
  const probe = how === 'ok' ? '' : '\n          readinessProbe: { exec: { command: [test, -f, /nonexistent] }, periodSeconds: 1 }';
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
          command: [sh, -c, "${script}"]${probe}
          env:
            - { name: VERSION, value: "${version}" }
          volumeMounts:
            - { name: plain, mountPath: /etc/plain }
            - { name: sealed, mountPath: /etc/sealed }
            - { name: settings, mountPath: /etc/settings }
      volumes:
        - { name: plain, secret: { secretName: plain } }
        - { name: sealed, secret: { secretName: sealed } }
        - { name: settings, configMap: { name: settings } }
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

/** `docker inspect` of containers listed a moment before: one that is gone since is left out, not an error. */
async function inspectAll(ids: string[]): Promise<string> {
  if (ids.length === 0) return '';
  try {
    return (await run('docker', ['inspect', ...ids], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    if (e.stdout !== undefined && /No such object/.test(e.stderr ?? '')) return e.stdout;
    throw err;
  }
}

interface Seen {
  what: string;
  text: string;
}

describe('e2e: secret values stay secret (sentinel), and every outcome is heard of', function () {
  this.timeout(300_000);
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
    const sealedSettings = sopsEncrypt(settings, { recipients: [ops.recipient], rule: { encrypted_regex: '^data$' } });

    const repo = await makeRepo();
    const c1 = await commitFiles(
      repo,
      { 'plain.yaml': secret('plain', CLEAR), 'sealed.yaml': sealedOk, 'settings.yaml': sealedSettings, 'web.yaml': web('v1') },
      'web v1 with secrets',
    );
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const extra = [
      '--age-key-file',
      ops.file,
      '--proxy-mode',
      'userspace',
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
    // XDG_CONFIG_HOME without sops/age/keys.txt: the only identity is --age-key-file.
    const op: OperatorProcess = await env.start({ repo, instance, stateDir, poll: NEVER_POLL, extra, env: { XDG_CONFIG_HOME: keys } });
    const seen: Seen[] = [];
    const webPods = async () => (await containersOf(env.runtime, instance)).filter((c) => c.labels['io.berth.kind'] === 'Deployment');
    const snapshot = async (phase: string) => {
      for (const p of ['/api/v1/status', '/api/v1/revisions?limit=100', '/api/v1/view', '/metrics', '/'])
        seen.push({ what: `${phase}: API ${p}`, text: await (await fetch(op.url + p)).text() });
      const containers = await containersOf(env.runtime, instance);
      seen.push({ what: `${phase}: container labels`, text: JSON.stringify(containers.map((c) => c.labels)) });
      seen.push({ what: `${phase}: docker inspect`, text: await inspectAll(containers.map((c) => c.id)) });
    };

    // A rollout.
    await op.waitFor(c1, 'succeeded', 60_000);
    const [pod] = await webPods();
    const read = async (file: string) => (await run('docker', ['exec', pod!.id, 'cat', file])).stdout;
    assert.equal(await read('/etc/sealed/password'), SEALED, 'the sops Secret was decrypted into the pod');
    assert.equal(await read('/etc/settings/dsn'), SEALED_CONFIG, 'the sops ConfigMap was decrypted into the pod');
    await snapshot('rollout');

    // A failed commit, rolled back.
    const c2 = await commitFiles(repo, { 'web.yaml': web('v2', 'crash') }, 'web v2 crashes');
    const failed = await op.waitFor(c2, 'failed', 60_000);
    assert.equal(failed.rollbackTo, c1);
    const rolledBack = async () => {
      const pods = await webPods();
      return pods.length === 1 && pods[0]!.state === 'running' && pods[0]!.labels['io.berth.revision'] === c1 ? true : undefined;
    };
    await pollUntil(rolledBack, { timeoutMs: 30_000, what: 'the rollback to c1 finished' });
    await snapshot('failed and rolled back');

    // Rejected commits: nothing on the engine changes.
    const beforeRejected = await runningIds(env.runtime, instance);
    const flipFirst = (text: string, re: RegExp) => text.replace(re, (_m, a: string, b: string) => a + (b === 'A' ? 'B' : 'A'));
    const c3 = await commitFiles(repo, { 'sealed.yaml': flipFirst(sealedOk, /(password: ENC\[AES256_GCM,data:)(.)/) }, 'tampered value');
    const tampered = await op.waitFor(c3, 'rejected', 30_000);
    assert.match((tampered.errors ?? []).join('\n'), /^sealed\.yaml:7:\d+: stringData\.password: cannot decrypt this value/m);
    const c3m = await commitFiles(repo, { 'sealed.yaml': sealedOk.replace('type: Opaque', 'type: Opaquf') }, 'a value in clear changed');
    const badMac = await op.waitFor(c3m, 'rejected', 30_000);
    assert.match((badMac.errors ?? []).join('\n'), /^sealed\.yaml:\d+:\d+: sops\.mac: MAC mismatch: the file was changed after it was encrypted/m);
    const c4 = await commitFiles(repo, { 'sealed.yaml': seal(SEALED, other.recipient) }, 'for another key');
    const foreign = await op.waitFor(c4, 'rejected', 30_000);
    assert.match((foreign.errors ?? []).join('\n'), /^sealed\.yaml:\d+:\d+: sops\.age: cannot decrypt: encrypted for another key/m);
    const c5 = await commitFiles(repo, { 'sealed.yaml': seal(Number(NUMERIC)) }, 'a number where a string goes');
    await op.waitFor(c5, 'rejected', 30_000);
    assert.deepEqual(await runningIds(env.runtime, instance), beforeRejected, 'a rejected commit changed the engine');
    await snapshot('rejected');

    // A rollout, then a commit superseded mid-rollout by the next one.
    const c6 = await commitFiles(repo, { 'sealed.yaml': sealedOk, 'web.yaml': web('v3') }, 'web v3');
    await op.waitFor(c6, 'succeeded', 60_000);
    const hookEvents = () => hooks.received.filter((r) => r.url === '/hook').map((r) => JSON.parse(r.body) as { event: string; revision?: { sha: string } });
    const heard = (event: string, sha?: string) => (hookEvents().some((e) => e.event === event && e.revision?.sha === sha) ? true : undefined);
    const c7 = await commitFiles(repo, { 'web.yaml': web('v4', 'never-ready') }, 'web v4 never ready');
    await pollUntil(() => heard('applying', c7), { timeoutMs: 30_000, what: 'c7 applying' });
    const c8 = await commitFiles(repo, { 'web.yaml': web('v5') }, 'web v5');
    await op.waitFor(c8, 'succeeded', 60_000);
    await op.waitFor(c7, 'superseded', 5_000);

    // A drift, repaired: the pod of c8, removed by hand, comes back, and that repair is told.
    // Only a notification sent after the removal, for the pod it recreates, counts: a
    // self-heal pass may have finished earlier work and said so (once, after a rollback, it
    // removed the superseded pod the rollback left), and that notice must not stand in for
    // this one (the test took it for the repair and searched the engine before the repair).
    const drifts = () =>
      hooks.received
        .filter((r) => r.url === '/hook')
        .map((r) => JSON.parse(r.body) as { event: string; revision?: { sha: string }; summary?: string[] })
        .filter((e) => e.event === 'drift-repaired');
    const driftsBefore = drifts().length;
    const [v5] = (await webPods()).filter((c) => c.state === 'running' && c.labels['io.berth.revision'] === c8);
    await env.runtime.removeContainer(v5!.id);
    const recreated = (e: ReturnType<typeof drifts>[number]) => e.revision?.sha === c8 && (e.summary ?? []).some((s) => /^create pod default\/web-/.test(s));
    await pollUntil(() => (drifts().slice(driftsBefore).some(recreated) ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a drift-repaired notification for the recreated pod',
    });
    const repaired = async () =>
      (await webPods()).some((c) => c.state === 'running' && c.id !== v5!.id && c.labels['io.berth.revision'] === c8) ? true : undefined;
    await pollUntil(repaired, { timeoutMs: 30_000, what: 'the pod of c8 running again' });
    await snapshot('drift repaired');

    // The CLI on the same instance: diff of a change (verbose and JSON), validate with and without the key.
    const change = await tempDir('berth-change-');
    for (const f of ['plain.yaml', 'sealed.yaml', 'settings.yaml']) await fs.copyFile(path.join(repo, f), path.join(change, f));
    await fs.writeFile(path.join(change, 'web.yaml'), web('v6'));
    const cliEnv = { env: { XDG_CONFIG_HOME: keys } };
    const engine = ['--instance', instance, '--state-dir', stateDir];
    const diffs = await Promise.all([
      runCli(['diff', change, '-v', '--age-key-file', ops.file, ...engine], cliEnv),
      runCli(['diff', change, '-o', 'json', '--age-key-file', ops.file, ...engine], cliEnv),
    ]);
    for (const d of diffs) assert.equal(d.code, 1, `berth diff: ${d.stdout}${d.stderr}`);
    assert.match(diffs[0]!.stdout, /Deployment default\/web/);
    const noKeyDiff = await runCli(['diff', change, ...engine], cliEnv);
    assert.equal(noKeyDiff.code, 2, noKeyDiff.stdout + noKeyDiff.stderr);
    assert.match(noKeyDiff.stderr, /^sealed\.yaml:\d+:\d+: .*cannot decrypt: no age identity was given to berth/m);
    const noKey = await runCli(['validate', change], cliEnv);
    assert.equal(noKey.code, 0, noKey.stdout + noKey.stderr);
    assert.match(
      noKey.stdout + noKey.stderr,
      /^sealed\.yaml:\d+:\d+: warning: .*not decrypted \(no age identity given\), so 1 encrypted value\(s\) and the MAC were not verified/m,
    );
    const wrongKey = await runCli(['validate', change, '--age-key-file', other.file], cliEnv);
    assert.equal(wrongKey.code, 1, wrongKey.stdout + wrongKey.stderr);
    assert.match(wrongKey.stdout + wrongKey.stderr, /^settings\.yaml:\d+:\d+: .*cannot decrypt: encrypted for another key/m);
    for (const [what, r] of [
      ['berth diff -v', diffs[0]!],
      ['berth diff -o json', diffs[1]!],
      ['berth diff without a key', noKeyDiff],
      ['berth validate', noKey],
      ['berth validate (other key)', wrongKey],
    ] as const)
      seen.push({ what, text: r.stdout + r.stderr });

    await op.kill('SIGTERM');
    await pollUntil(() => heard('stopped'), { timeoutMs: 15_000, what: 'a stopped notification' });

    // Notifications: every outcome, signed; commit statuses per revision outcome.
    const events = hookEvents().map((e) => `${e.event}${e.revision ? `:${e.revision.sha}` : ''}`);
    const wanted = ['started', `applying:${c1}`, `succeeded:${c1}`, `applying:${c2}`, `failed:${c2}`];
    wanted.push(...[c3, c3m, c4, c5].map((c) => `rejected:${c}`), `applying:${c6}`, `succeeded:${c6}`, `applying:${c7}`, `superseded:${c7}`);
    wanted.push(`applying:${c8}`, `succeeded:${c8}`, `drift-repaired:${c8}`, 'stopped');
    assert.deepEqual(
      wanted.filter((w) => !events.includes(w)),
      [],
      `notifications received: ${events.join(', ')}`,
    );
    assert.ok(hooks.received.filter((r) => r.url === '/hook').every((r) => /^sha256=[0-9a-f]{64}$/.test(String(r.headers['x-berth-signature-256']))));
    const slack = hooks.received.filter((r) => r.url === '/slack').map((r) => (JSON.parse(r.body) as { text: string }).text);
    for (const re of [/\*failed\*/, /\*rejected\*/, /\*superseded\*/, /drift repaired/, /berth stopped/])
      assert.ok(
        slack.some((t) => re.test(t)),
        `no Slack message ${re}`,
      );
    const statuses = hooks.received
      .filter((r) => r.url.startsWith('/gh/'))
      .map((r) => `${r.url.split('/').pop()}:${(JSON.parse(r.body) as { state: string }).state}`);
    const wantedStatuses = [`${c1}:pending`, `${c1}:success`, `${c2}:pending`, `${c2}:failure`, ...[c3, c3m, c4, c5].map((c) => `${c}:failure`)];
    wantedStatuses.push(`${c6}:pending`, `${c6}:success`, `${c7}:pending`, `${c7}:error`, `${c8}:pending`, `${c8}:success`);
    assert.deepEqual(
      wantedStatuses.filter((w) => !statuses.includes(w)),
      [],
      `statuses received: ${statuses.join(', ')}`,
    );
    assert.ok(hooks.received.filter((r) => r.url.startsWith('/gh/')).every((r) => r.url.startsWith('/gh/repos/team/app/statuses/')));

    // The sentinel search. berth's checkouts of the user's commits hold the files as committed:
    // the Secret committed in clear is in clear there (that is what sops is for), so the
    // checkouts are searched for the values that were encrypted only.
    const hits = [
      ...textHits('berth run output', op.output, SECRET_VALUES),
      ...(await hitsIn(stateDir, SECRET_VALUES, ['worktrees', 'repo'])),
      ...(await hitsIn(stateDir, ENCRYPTED_VALUES)),
      ...seen.flatMap((s) => textHits(s.what, s.text, SECRET_VALUES)),
      ...hooks.received.flatMap((r) => textHits(`notification to ${r.url}`, r.body, SECRET_VALUES)),
    ];
    for (const sha of [c1, c2, c3, c3m, c4, c5, c6, c7, c8]) hits.push(...textHits(`note on ${sha}`, (await noteOf(stateDir, sha)) ?? '', SECRET_VALUES));
    assert.deepEqual(hits, []);
    // Controls: the searched outputs are the real ones, and the search finds what is there.
    const last = (what: string) => seen.filter((s) => s.what === what).pop()?.text ?? '';
    assert.ok(last('drift repaired: API /api/v1/status').includes(c8), 'the status answer names the running commit');
    assert.ok(last('drift repaired: API /api/v1/view').includes('web'), 'the dashboard view shows the workload');
    assert.ok(last('drift repaired: docker inspect').includes('/etc/sealed'), 'docker inspect shows the Secret mount');
    assert.ok((await fs.stat(path.join(stateDir, 'proxy', instance, 'proxy.log'))).isFile(), 'the proxy log was searched');
    assert.ok((await hitsIn(path.join(stateDir, 'worktrees'), [CLEAR])).length > 0, 'the clear Secret is in the checkouts, as committed');
  });
});
