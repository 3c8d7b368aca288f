/**
 * Init containers and native sidecars on the real engine: run in order, each to exit 0,
 * before the app containers start, in the pod's network and volumes; a failing one is the
 * pod's reason (exit code and last log line); a sidecar runs beside the app for the life of
 * the pod and is stopped after it.
 */
import { strict as assert } from 'node:assert';
import { describeRun } from '../../helpers/cli';
import { ManifestDir, yaml } from '../../helpers/manifests';
import { LABEL } from '../../../src/runtime/types';
import { pollUntil } from '../../../src/util/eventually';
import { ApplyHarness, describeOutcome } from '../apply/harness';

const IMAGE = 'berth-test/busybox:latest';

function initPod(name: string, restartPolicy: string, init: string, app: string): string {
  return yaml`
    apiVersion: v1
    kind: Pod
    metadata:
      name: ${name}
    spec:
      restartPolicy: ${restartPolicy}
      terminationGracePeriodSeconds: 1
      volumes:
      - name: work
        emptyDir: {}
      initContainers:
${init}
      containers:
      - name: app
        image: ${IMAGE}
        imagePullPolicy: IfNotPresent
        command: [sh, -c, ${JSON.stringify(app)}]
        volumeMounts:
        - { name: work, mountPath: /work }
  `;
}

function initContainer(name: string, script: string, extra = ''): string {
  return [
    `      - name: ${name}`,
    `        image: ${IMAGE}`,
    `        imagePullPolicy: IfNotPresent`,
    `        command: [sh, -c, ${JSON.stringify(script)}]`,
    `        volumeMounts:`,
    `        - { name: work, mountPath: /work }`,
    ...(extra ? [extra] : []),
  ].join('\n');
}

const APP_RECORDS_START = 'cat /work/steps > /tmp/seen-at-start 2>&1; trap "exit 0" TERM; sleep 3600 & wait';

describe('init containers (real engine)', function () {
  let h: ApplyHarness;

  beforeEach(async () => (h = await ApplyHarness.create('pods-init')));
  afterEach(async () => h?.cleanup());

  it('run in order, each to exit 0, before the app container starts; the app sees their files', async () => {
    const init = [
      // Slow enough that the step that starts it returns before it is done.
      initContainer('first', 'sleep 1; echo first >> /work/steps'),
      initContainer('second', 'test -f /work/steps && echo second >> /work/steps'),
    ].join('\n');
    const dir = await ManifestDir.create({ 'pod.yaml': initPod('ordered', 'Always', init, APP_RECORDS_START) });
    await h.converge(dir);
    assert.equal((await h.execUntilOk('ordered', 'app', ['cat', '/tmp/seen-at-start'])).trim(), 'first\nsecond');
    const pod = await h.pod('ordered');
    assert.deepEqual(
      (pod.init ?? []).map((c) => [c.labels[LABEL.container], c.labels[LABEL.init], c.state, c.status.replace(/\) .*/, ')')]),
      [
        ['first', 'init', 'exited', 'Exited (0)'],
        ['second', 'init', 'exited', 'Exited (0)'],
      ],
    );
    // Converged means nothing more to do: a second apply takes no action.
    assert.deepEqual(await h.converge(dir), []);
  });

  it('share the pod network: an init container reaches a sidecar on localhost, the app reaches it too', async () => {
    const sidecar = initContainer(
      'server',
      'mkdir -p /www && echo from-sidecar > /www/index.html && trap "exit 0" TERM && { httpd -f -p 8080 -h /www & wait; }',
      '        restartPolicy: Always',
    );
    const waiter = initContainer('wait-for-server', 'until wget -qO- http://127.0.0.1:8080/ > /work/steps; do sleep 0.2; done');
    const dir = await ManifestDir.create({ 'pod.yaml': initPod('sidecar', 'Always', [sidecar, waiter].join('\n'), APP_RECORDS_START) });
    await h.converge(dir);
    assert.equal((await h.execUntilOk('sidecar', 'app', ['cat', '/tmp/seen-at-start'])).trim(), 'from-sidecar');
    assert.equal((await h.execUntilOk('sidecar', 'app', ['wget', '-qO-', 'http://127.0.0.1:8080/'])).trim(), 'from-sidecar');
    const pod = await h.pod('sidecar');
    const states = Object.fromEntries((pod.init ?? []).map((c) => [c.labels[LABEL.container], `${c.labels[LABEL.init]} ${c.state}`]));
    assert.deepEqual(states, { server: 'sidecar running', 'wait-for-server': 'init exited' });
  });

  it('a failing one in a restartPolicy Never pod fails the pod with its exit code and last log line; the app never starts', async () => {
    // Both lines on one stream: Docker copies stdout and stderr through separate pipes, so
    // lines written a moment apart to the two can be logged in either order.
    const init = initContainer('migrate', 'echo connecting >&2; echo "migration 42 failed: table users exists" >&2; exit 3');
    const dir = await ManifestDir.create({ 'pod.yaml': initPod('broken', 'Never', init, APP_RECORDS_START) });
    const run = await h.apply(dir);
    assert.equal(run.outcome.type, 'failed', describeOutcome(run.outcome));
    const reason = run.outcome.type === 'failed' ? run.outcome.reason : '';
    assert.match(reason, /init container migrate failed with exit code 3: connecting \| migration 42 failed: table users exists/);
    const pod = await h.pod('broken');
    assert.deepEqual(
      pod.containers.map((c) => c.state),
      ['created'],
    );
    const get = await h.cli('get', ['pods']);
    assert.equal(get.code, 0, describeRun(get));
    // The pod's status names the init container; its log lines stay in the (redacted) reason
    // above: `berth get` has no manifests, so it could not keep a Secret value out of them.
    assert.match(get.stdout, /broken\s+0\/1\s+Init:migrate Exited \(3\)/);
    assert.doesNotMatch(get.stdout, /migration 42 failed/);
  });

  it('a failing one in an OnFailure pod is restarted until it succeeds, then the app starts', async () => {
    // Fails at its first run, succeeds at its second (the emptyDir keeps the mark).
    const init = initContainer('flaky', 'if [ -f /work/tried ]; then echo ok > /work/steps; else touch /work/tried; echo not yet; exit 3; fi');
    const dir = await ManifestDir.create({ 'pod.yaml': initPod('flaky', 'OnFailure', init, APP_RECORDS_START) });
    await h.converge(dir);
    assert.equal((await h.execUntilOk('flaky', 'app', ['cat', '/tmp/seen-at-start'])).trim(), 'ok');
    const flaky = (await h.pod('flaky')).init?.[0];
    assert.ok(flaky);
    assert.equal((await h.runtime.inspectContainer(flaky.id)).restartCount, 1);
  });

  it('a sidecar keeps running with the app and is stopped after it when the pod goes', async () => {
    const sidecar = initContainer('logger', 'trap "exit 0" TERM; sleep 3600 & wait', '        restartPolicy: Always');
    // The app takes a moment to stop: stopped together, the sidecar would die first.
    const app = 'trap "sleep 1; exit 0" TERM; sleep 3600 & wait';
    const dir = await ManifestDir.create({ 'pod.yaml': initPod('pair', 'Always', sidecar, app) });
    await h.converge(dir);
    const pod = await h.pod('pair');
    assert.deepEqual([pod.containers[0].state, pod.init?.[0].state], ['running', 'running']);
    const died: string[] = [];
    const sub = h.runtime.subscribe({ [LABEL.instance]: h.instance }, (e) => {
      if (e.type === 'container' && e.action === 'die') died.push(e.labels[LABEL.container] ?? e.id);
    });
    try {
      await dir.remove('pod.yaml');
      await dir.write(
        'other.yaml',
        yaml`
        apiVersion: v1
        kind: ConfigMap
        metadata: { name: keep }
        data: { a: b }
      `,
      );
      await h.converge(dir);
      await pollUntil(async () => (died.length >= 3 ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `three containers to die (so far: ${died.join(', ')})`,
      });
    } finally {
      sub.close();
    }
    assert.deepEqual(died, ['app', 'logger', 'POD']);
    assert.deepEqual(await h.podsOf('pair'), []);
  });
});
