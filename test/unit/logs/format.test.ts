import { strict as assert } from 'node:assert';
import { formatLogLine, mergeByTime, parseSince, parseLogTarget, type PodLogLine } from '../../../src/logs';
import { isBerthError } from '../../../src/util/errors';

const at = (pod: string, ms: number, text: string, container = 'app'): PodLogLine => ({
  pod,
  container,
  line: { stream: 'stdout', time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString(), text },
});

describe('logs: targets, formats, merging (pure)', () => {
  it('targets: a bare name is a pod; kubectl kinds and short names', () => {
    assert.deepEqual(parseLogTarget('web-0'), { kind: 'Pod', name: 'web-0' });
    assert.deepEqual(parseLogTarget('pod/web-0'), { kind: 'Pod', name: 'web-0' });
    assert.deepEqual(parseLogTarget('deploy/web'), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(parseLogTarget('deployment/web'), { kind: 'Deployment', name: 'web' });
    assert.deepEqual(parseLogTarget('sts/db'), { kind: 'StatefulSet', name: 'db' });
    assert.deepEqual(parseLogTarget('ds/agent'), { kind: 'DaemonSet', name: 'agent' });
    for (const bad of ['service/web', 'deployment/Web', 'deployment/'])
      assert.throws(
        () => parseLogTarget(bad),
        (e: unknown) => isBerthError(e, 'E_USAGE'),
        bad,
      );
  });

  it('prefix with the pod, the container when asked, the time before the text', () => {
    const l = at('web-1', 5, 'hello');
    assert.equal(formatLogLine(l, { prefix: false, container: false, timestamps: false }), 'hello');
    assert.equal(formatLogLine(l, { prefix: true, container: false, timestamps: false }), '[pod/web-1] hello');
    assert.equal(formatLogLine(l, { prefix: true, container: true, timestamps: true }), '[pod/web-1/app] 2026-01-01T00:00:00.005Z hello');
  });

  it('merges containers in time order and keeps each one own order within a millisecond', () => {
    const a = [at('a', 1, 'a1'), at('a', 5, 'a2'), at('a', 5, 'a3'), at('a', 9, 'a4')];
    const b = [at('b', 2, 'b1'), at('b', 5, 'b2'), at('b', 20, 'b3')];
    assert.deepEqual(
      mergeByTime([a, b, []]).map((l) => l.line.text),
      ['a1', 'b1', 'a2', 'a3', 'b2', 'a4', 'b3'],
    );
    assert.deepEqual(mergeByTime([]), []);
  });

  it('--since durations as kubectl reads them; anything else is refused', () => {
    assert.equal(parseSince('30s'), 30);
    assert.equal(parseSince('5m'), 300);
    assert.equal(parseSince('1h30m'), 5400);
    assert.equal(parseSince('1.5h'), 5400);
    for (const bad of ['', '5', 'ten minutes', '5d', '-5s']) assert.equal(parseSince(bad), undefined, bad);
  });
});
