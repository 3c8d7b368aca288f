import { strict as assert } from 'node:assert';
import { workloadConditions, podConditions } from '../../../src/cli/describe/conditions';
import { engineEvent, inspectEvents, journalEvents, podEvents, readyEvents, sortEvents } from '../../../src/cli/describe/events';
import { formatProbe } from '../../../src/cli/describe/render';
import type { ContainerInfo, PodInfo } from '../../../src/cli/describe/types';
import { parseDescribeArgs } from '../../../src/cli/commands/describe';
import type { RevisionRecord } from '../../../src/audit/types';
import { LABEL, type EngineEvent } from '../../../src/runtime/types';
import { isBerthError } from '../../../src/util/errors';

const labels = { [LABEL.pod]: 'web-1', [LABEL.container]: 'app' };
const ev = (action: string, extra: Partial<EngineEvent> = {}): EngineEvent => ({ type: 'container', action, id: 'x', labels, time: 1_700_000_000, ...extra });
const container = (over: Partial<ContainerInfo> = {}): ContainerInfo => ({
  name: 'app',
  id: 'c1',
  image: 'img',
  state: 'running',
  createdAt: 1_000,
  exitCode: 0,
  oomKilled: false,
  error: '',
  restartCount: 0,
  ports: [],
  ...over,
});
const pod = (name: string, specHash: string, over: Partial<PodInfo> = {}): PodInfo => ({
  namespace: 'default',
  name,
  kind: 'Deployment',
  owner: 'web',
  specHash,
  revision: 'a'.repeat(40),
  ip: '',
  createdAt: 0,
  containers: [container()],
  ...over,
});

describe('cli/describe: events, conditions, probes (pure)', () => {
  it('engine events in kubectl words: signals by name, exit codes, the infra container', () => {
    const words = (e: EngineEvent) => {
      const d = engineEvent(e);
      return d && `${d.type} ${d.reason} ${d.object}: ${d.message}`;
    };
    assert.equal(words(ev('create')), 'Normal Created pod/web-1/app: Created container app');
    assert.equal(words(ev('kill', { signal: '15' })), 'Normal Killing pod/web-1/app: Stopping container app (SIGTERM)');
    assert.equal(words(ev('kill', { signal: '9' })), 'Warning Killing pod/web-1/app: Killed container app (SIGKILL)');
    assert.equal(words(ev('die', { exitCode: 137 })), 'Warning Exited pod/web-1/app: Container app exited with code 137 (killed)');
    assert.equal(words(ev('die', { exitCode: 0 })), 'Normal Exited pod/web-1/app: Container app exited with code 0');
    assert.equal(words(ev('oom')), 'Warning OOMKilled pod/web-1/app: Container app ran out of memory');
    assert.equal(
      words(ev('start', { labels: { [LABEL.pod]: 'web-1', [LABEL.container]: 'POD' } })),
      'Normal Started pod/web-1: Started infra container (holds the network)',
    );
    for (const quiet of ['stop', 'exec_start: sh -c true', 'exec_die']) assert.equal(engineEvent(ev(quiet)), undefined, quiet);
    assert.equal(engineEvent(ev('create', { type: 'network' })), undefined);
  });

  it('journal records of the commits the pods carry, this instance only', () => {
    const base: RevisionRecord = {
      sha: 'a'.repeat(40),
      author: 'ann',
      subject: 'bump',
      committedAt: '2026-01-01T00:00:00Z',
      status: 'applying',
      at: '2026-01-01T00:00:01Z',
      instance: 'i',
    };
    const records: RevisionRecord[] = [
      base,
      { ...base, status: 'failed', at: '2026-01-01T00:01:00Z', reason: 'progress deadline exceeded', rollbackTo: 'b'.repeat(40) },
      { ...base, instance: 'other' },
      { ...base, sha: 'c'.repeat(40) },
    ];
    const got = journalEvents(records, new Set([base.sha]), 'i').map((e) => `${e.type} ${e.reason} ${e.object}: ${e.message}`);
    assert.deepEqual(got, [
      'Normal Applying revision/aaaaaaaa: Applying "bump" by ann',
      'Warning Failed revision/aaaaaaaa: Failed: progress deadline exceeded; rolled back to bbbbbbbb',
    ]);
  });

  it('probe failures describe ran, and terminating pods; sorted by time, stable', () => {
    const p = pod('web-1', 'h1', { terminating: { since: 5, deadline: 35_000 }, containers: [container({ readinessNow: { ok: false, reason: 'HTTP 503' } })] });
    const es = sortEvents([...podEvents([p], 10), { time: 5, type: 'Normal', reason: 'Started', object: 'pod/web-1/app', message: 'x' }]);
    assert.deepEqual(
      es.map((e) => e.reason),
      ['Terminating', 'Started', 'Unhealthy'],
    );
    assert.equal(es[2].message, 'Readiness probe failed (checked now): HTTP 503');
  });

  it('Created, Started, Exited from inspect where the engine no longer keeps the event, not twice where it does', () => {
    const exited = pod('web-1', 'h', {
      containers: [container({ state: 'exited', startedAt: '2026-12-01T10:00:02.000Z', finishedAt: '2026-12-01T10:00:05.000Z', exitCode: 3 })],
    });
    const words = (es: ReturnType<typeof inspectEvents>) => es.map((e) => `${e.type} ${e.reason} ${e.object}: ${e.message}`);
    assert.deepEqual(words(inspectEvents([exited], [])), [
      'Normal Created pod/web-1/app: Created container app (inspect)',
      'Normal Started pod/web-1/app: Started container app (inspect)',
      'Warning Exited pod/web-1/app: Container app exited with code 3 (inspect)',
    ]);
    const kept = [{ time: Date.parse('2026-12-01T10:00:02.000Z'), type: 'Normal' as const, reason: 'Started', object: 'pod/web-1/app', message: '' }];
    assert.deepEqual(
      inspectEvents([exited], kept).map((e) => e.reason),
      ['Created', 'Exited'],
    );
    // An older Started (a run before a restart) is not this run's.
    assert.deepEqual(
      inspectEvents([exited], [{ ...kept[0]!, time: 0 }]).map((e) => e.reason),
      ['Created', 'Started', 'Exited'],
    );
  });

  it('Ready events where the operator knows since when, never for a terminating pod', () => {
    const going = pod('web-2', 'h', { terminating: { since: 5, deadline: 10 } });
    const es = readyEvents([pod('web-1', 'h'), going, pod('web-3', 'h')], (p) => (p.name === 'web-3' ? undefined : 42));
    assert.deepEqual(
      es.map((e) => [e.time, e.reason, e.object]),
      [[42, 'Ready', 'pod/web-1']],
    );
  });

  it('conditions: Available counts ready pods; Progressing says when several templates run', () => {
    const notReady = pod('web-2', 'h2', { containers: [container({ readinessNow: { ok: false, reason: 'no' } })] });
    assert.deepEqual(
      workloadConditions([pod('web-1', 'h1'), notReady]).map((c) => [c.type, c.status, c.reason]),
      [
        ['Available', 'False', '1 of 2 pod(s) ready'],
        ['Progressing', 'True', 'rolling: 2 templates run (h1: 1 pod(s), h2: 1 pod(s))'],
      ],
    );
    assert.deepEqual(
      podConditions(pod('web-3', 'h1', { containers: [container({ state: 'exited', exitCode: 1 })] })).map((c) => [c.type, c.status]),
      [
        ['ContainersRunning', 'False'],
        ['Ready', 'False'],
      ],
    );
  });

  it('probes as kubectl prints them; KIND/NAME or KIND NAME', () => {
    assert.equal(
      formatProbe({
        handler: { type: 'httpGet', path: '/healthz', port: 8080, scheme: 'HTTP', httpHeaders: [] },
        initialDelaySeconds: 5,
        periodSeconds: 10,
        timeoutSeconds: 1,
        successThreshold: 1,
        failureThreshold: 3,
      }),
      'http-get http://:8080/healthz delay=5s timeout=1s period=10s #success=1 #failure=3',
    );
    assert.deepEqual(parseDescribeArgs('deploy/web'), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(parseDescribeArgs('svc', 'web'), { kind: 'Service', name: 'web' });
    for (const bad of [['configmap/x'], ['pod'], ['pod/Bad']])
      assert.throws(
        () => parseDescribeArgs(bad[0], bad[1]),
        (e: unknown) => isBerthError(e, 'E_USAGE'),
        bad.join(' '),
      );
  });
});
