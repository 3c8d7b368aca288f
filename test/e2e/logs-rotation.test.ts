/**
 * Following a workload's logs through a rollout that rotates a Secret value: the new pods
 * print the new value, and both `berth logs -f` and the API's log stream, opened before the
 * rotation, scrub it with the values of the commit those pods were applied from. (They used
 * to scrub with the values known when they were opened: the new value went out in clear.)
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { E2EEnv, NEVER_POLL } from '../helpers/operator';
import { CLI_MAIN, engineArgs } from '../helpers/cli';
import { pollUntil } from '../../src/util/eventually';
import { TEST_IMAGE } from '../helpers/testImage';

const OLD = 'old-Rotated-4c1d7e';
const NEW = 'new-Rotated-b83a29';

const app = (value: string) => `apiVersion: v1
kind: Secret
metadata: { name: creds }
stringData: { password: "${value}" }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: ${TEST_IMAGE}
          imagePullPolicy: Never
          command: [sh, -c, "echo started with $PASSWORD; trap 'exit 0' TERM; sleep 100000 & wait"]
          env:
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: creds, key: password } }
`;

/** The pods that printed a scrubbed line, from `[pod/NAME/...] started with (secret)` or SSE frames. */
const scrubbedPods = (text: string): Set<string> =>
  new Set([...text.matchAll(/(api-[a-z0-9]+-[a-z0-9]+)\S*"?[^\n]*started with \(secret\)/g)].map((m) => m[1]!));

describe('e2e: logs followed through a Secret rotation stay scrubbed', function () {
  this.timeout(180_000);
  const env = new E2EEnv('op-logrot');
  before(() => env.prepare());
  after(() => env.cleanup());

  it("the new pods' lines are scrubbed with their own commit's values, in berth logs -f and the API stream", async () => {
    const repo = await makeRepo();
    const c1 = await commitFiles(repo, { 'app.yaml': app(OLD) }, 'api with a password');
    const instance = env.instance();
    const stateDir = await env.stateDir();
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
    await op.waitFor(c1, 'succeeded', 60_000);

    let cliOut = '';
    const cli = spawn(process.execPath, [CLI_MAIN, ...engineArgs(['logs', '-f', 'deployment/api'], instance, stateDir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    cli.stdout.setEncoding('utf8').on('data', (c: string) => (cliOut += c));
    cli.stderr.setEncoding('utf8').on('data', (c: string) => (cliOut += c));
    const cliExit = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));

    let apiOut = '';
    const ac = new AbortController();
    const res = await fetch(`${op.url}/api/v1/logs?target=deployment/api&follow=1`, { signal: ac.signal });
    assert.equal(res.status, 200);
    const reading = (async () => {
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        apiOut += Buffer.from(value!).toString('utf8');
      }
    })();

    const both = (n: number) => () => {
      if (scrubbedPods(cliOut).size >= n && scrubbedPods(apiOut).size >= n) return true;
      throw new Error(`berth logs -f:\n${cliOut}\nthe API stream:\n${apiOut}`);
    };
    await pollUntil(both(1), { timeoutMs: 30_000, what: "the first pod's scrubbed line in both" });

    const c2 = await commitFiles(repo, { 'app.yaml': app(NEW) }, 'rotate the password');
    await op.waitFor(c2, 'succeeded', 60_000);
    await pollUntil(both(2), { timeoutMs: 30_000, what: "the new pod's scrubbed line in both" });

    cli.kill('SIGINT');
    assert.equal(await cliExit, 0, cliOut);
    ac.abort();
    await reading;
    for (const [what, text] of [
      ['berth logs -f', cliOut],
      ['the API stream', apiOut],
    ] as const) {
      for (const v of [OLD, NEW]) {
        assert.ok(!text.includes(v), `${what} shows ${v}:\n${text}`);
        assert.ok(!text.includes(Buffer.from(v).toString('base64')), `${what} shows ${v} base64-encoded`);
      }
    }
  });
});
