import assert from 'node:assert/strict';
import { groupByTemplate } from '../../../src/history/group';
import { columns, renderHistory, renderStatus, type HistoryView, type StatusView } from '../../../src/history/render';
import { KEY, sha, walk } from './fixtures';

const id = { kind: 'Deployment' as const, namespace: 'default', name: 'web' };

function historyView(engine: HistoryView['engine'], specs = ['c3:H2', 'c2:H2', 'c1:H1', 'c0:!']): HistoryView {
  const statuses: Record<string, 'succeeded' | 'failed'> = { [sha('c2')]: 'succeeded', [sha('c1')]: 'failed' };
  const { groups, invalid } = groupByTemplate(walk(...specs), KEY, { truncated: false, statusOf: (s) => statuses[s] });
  return { history: { id, groups, invalid }, source: 'main (repo)', walked: specs.length, truncated: false, engine };
}

describe('history/render', () => {
  it('columns pads all but the last column', () => {
    assert.deepEqual(
      columns([
        ['a', 'bb', 'c'],
        ['ddd', 'e', 'f'],
      ]),
      ['a    bb  c', 'ddd  e   f'],
    );
  });

  it('history: one line per template with the commit that introduced it, the running one marked', () => {
    const lines = renderHistory(historyView({ type: 'running', index: 1, pods: 2 })).split('\n');
    assert.match(lines[0]!, /^Deployment default\/web: 2 template\(s\) in the last 4 commit\(s\) of main \(repo\)$/);
    assert.match(lines[1]!, /^\s+TEMPLATE\s+COMMIT\s+DATE\s+AUTHOR\s+STATUS\s+SUBJECT$/);
    assert.match(
      lines[2]!,
      new RegExp(`^\\s+H2\\s+${sha('c2').slice(0, 8)}\\s+2024-05-01 12:00:00Z\\s+Alice\\s+succeeded\\s+commit c2  \\(\\+1 later commit\\(s\\)\\)$`),
    );
    assert.match(lines[3]!, new RegExp(`^\\*\\s+H1\\s+${sha('c1').slice(0, 8)}\\s.*failed\\s+commit c1$`));
    assert.equal(lines[4], '*: runs on the engine now (2 pod(s))');
    assert.match(lines[5]!, /^1 commit\(s\) did not validate and declare nothing: c0c0c0c0 \(commit c0\)$/);
  });

  const engines: [HistoryView['engine'], RegExp][] = [
    [{ type: 'no-pods' }, /no pods of it run on the engine/],
    [{ type: 'unknown-template', hash: 'HX', pods: 3 }, /runs template HX \(3 pod\(s\)\), which no commit walked declares/],
    [{ type: 'unreachable', error: 'ECONNREFUSED' }, /engine not reachable, running template unknown: ECONNREFUSED/],
  ];
  for (const [engine, re] of engines) it(`history: engine ${engine.type}`, () => assert.match(renderHistory(historyView(engine)), re));

  it('history: control characters of a subject cannot reach the terminal', () => {
    const v = historyView({ type: 'no-pods' }, ['c1:H1']);
    v.history.groups[0]!.commits[0]!.commit.subject = 'evil \u001b[31mred';
    // eslint-disable-next-line no-control-regex -- the escape is what is looked for
    assert.doesNotMatch(renderHistory(v), /\u001b/);
  });

  it('history: nothing declared', () => {
    assert.match(renderHistory(historyView({ type: 'no-pods' }, ['c1:-'])), /no commit walked declares it/);
  });

  const status: StatusView = {
    id,
    spec: { revision: sha('c2'), hash: 'H2', replicas: 3, from: 'commit c2c2c2c2 of main' },
    health: { health: 'Progressing', message: '1 of 3 updated replicas are available' },
    templates: [
      { hash: 'H2', current: true, revisions: [sha('c2')], pods: 1, running: 1, ready: 1, available: 1 },
      { hash: 'H1', current: false, revisions: [sha('c1'), sha('c0')], pods: 2, running: 2, ready: 2, available: 2 },
    ],
  };

  it('status: spec, health, a row per template', () => {
    const lines = renderStatus(status).split('\n');
    assert.deepEqual(lines.slice(0, 3), [
      'Deployment default/web',
      '  spec: template H2, 3 replica(s), from commit c2c2c2c2 of main',
      '  health: Progressing: 1 of 3 updated replicas are available',
    ]);
    assert.match(lines[4]!, /^\s+H2\*\s+1\s+1\s+1\s+1\s+c2c2c2c2$/);
    assert.match(lines[5]!, /^\s+H1\s+2\s+2\s+2\s+2\s+c1c1c1c1,c0c0c0c0$/);
  });

  it('status: without a spec says why, health unknown', () => {
    const out = renderStatus({ id, noSpec: 'no clone', templates: [] });
    assert.match(out, /spec: unknown \(no clone\)/);
    assert.match(out, /health: Unknown/);
    assert.match(out, /no pods on the engine/);
  });

  it("status: the operator's view, or that it did not answer", () => {
    const seen = renderStatus({
      ...status,
      operator: {
        type: 'seen',
        url: 'http://o',
        instance: 'i',
        phase: 'applying',
        lastAttempted: { sha: sha('c2'), status: 'applying' },
        lastApplied: sha('c1'),
        resource: { kind: 'Deployment', namespace: 'default', name: 'web', health: 'Progressing', message: 'm', waiting: 'surge' },
      },
    });
    assert.match(seen, /operator at http:\/\/o \(instance i\): applying; last attempted c2c2c2c2 applying; last applied c1c1c1c1/);
    assert.match(seen, /its view of web: Progressing: m; waiting: surge/);
    assert.match(
      renderStatus({ ...status, operator: { type: 'unreachable', url: 'http://o', error: 'refused' } }),
      /operator at http:\/\/o: not reachable \(refused\)/,
    );
  });
});
