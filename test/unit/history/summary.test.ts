import assert from 'node:assert/strict';
import { groupByTemplate } from '../../../src/history/group';
import { engineMark } from '../../../src/history/history';
import { observedWorkloads, podsOf, runningTemplate, summarizeTemplates } from '../../../src/history/summary';
import { KEY, pod, sha, view, walk } from './fixtures';

describe('history/summary', () => {
  const rolling = [
    pod('web-new-1', 'H2', sha('c2'), { createdAt: 2000 }),
    pod('web-old-1', 'H1', sha('c1'), { createdAt: 1000 }),
    pod('web-old-2', 'H1', sha('c0'), { createdAt: 900 }),
    pod('web-new-2', 'H2', sha('c2'), { createdAt: 2100, state: 'exited' }),
  ];

  it('runningTemplate: the newest pod decides; its revisions newest first', () => {
    assert.deepEqual(runningTemplate(rolling), { hash: 'H2', revisions: [sha('c2')] });
    assert.deepEqual(runningTemplate(rolling.filter((p) => p.specHash === 'H1')), { hash: 'H1', revisions: [sha('c1'), sha('c0')] });
    assert.equal(runningTemplate([]), undefined);
  });

  it("summarizeTemplates: counts per template, the spec's first", () => {
    const views = [view('web-new-1', 'H2', true, 0), view('web-old-1', 'H1', true, 9_000), view('web-old-2', 'H1', false), view('web-new-2', 'H2', false)];
    const s = summarizeTemplates(rolling, views, { hash: 'H2', minReadySeconds: 5 }, 10_000);
    assert.deepEqual(s, [
      { hash: 'H2', current: true, revisions: [sha('c2')], pods: 2, running: 1, ready: 1, available: 1 },
      // web-old-1 is ready but only for 1 s of the 5 minReadySeconds.
      { hash: 'H1', current: false, revisions: [sha('c1'), sha('c0')], pods: 2, running: 2, ready: 1, available: 0 },
    ]);
  });

  it('summarizeTemplates without a spec marks nothing current', () => {
    assert.ok(summarizeTemplates(rolling, [], undefined, 0).every((t) => !t.current && t.ready === 0));
  });

  it('podsOf and observedWorkloads keep kinds, namespaces and owners apart', () => {
    const pods = [
      pod('a', 'H', 'r'),
      pod('b', 'H', 'r', { namespace: 'shop' }),
      pod('c', 'H', 'r', { kind: 'StatefulSet' }),
      pod('d', 'H', 'r', { kind: 'Pod', owner: 'd' }),
    ];
    assert.deepEqual(
      podsOf(pods, { kind: 'Deployment', namespace: 'default', name: 'web' }).map((p) => p.name),
      ['a'],
    );
    assert.deepEqual(
      observedWorkloads(pods)
        .map((w) => `${w.kind}/${w.namespace}/${w.name}`)
        .sort(),
      ['Deployment/default/web', 'Deployment/shop/web', 'StatefulSet/default/web'],
    );
  });
});

describe('history/engineMark', () => {
  const groups = groupByTemplate(walk('c3:H1', 'c2:H2', 'c1:H1'), KEY, { truncated: false, statusOf: () => undefined }).groups;

  const cases: [string, ReturnType<typeof pod>[], object][] = [
    ["the group of the pods' commit", [pod('a', 'H1', sha('c1')), pod('b', 'H1', sha('c1'))], { type: 'running', index: 2, pods: 2 }],
    [
      "mid-rollout: the newest pod's template",
      [pod('a', 'H1', sha('c1'), { createdAt: 1 }), pod('b', 'H2', sha('c2'), { createdAt: 5 })],
      { type: 'running', index: 1, pods: 1 },
    ],
    ['a template no commit declares', [pod('a', 'HX', sha('c9'))], { type: 'unknown-template', hash: 'HX', pods: 1 }],
    ['no pods', [], { type: 'no-pods' }],
  ];
  for (const [name, pods, want] of cases) it(name, () => assert.deepEqual(engineMark(groups, pods), want));
});
