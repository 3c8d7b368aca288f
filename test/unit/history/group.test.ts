import assert from 'node:assert/strict';
import type { RevisionStatus } from '../../../src/audit/types';
import { declaredKeys, groupByTemplate, introducedBy, knownBad } from '../../../src/history/group';
import type { TemplateGroup } from '../../../src/history/types';
import { KEY, commit, sha, walk } from './fixtures';

/** Groups as `hash:tag,tag` strings ('-' for not declared, '~' suffix when truncated). */
function shape(groups: TemplateGroup[]): string[] {
  return groups.map((g) => `${g.hash ?? '-'}:${g.commits.map((c) => c.commit.sha.slice(0, 2)).join(',')}${g.truncated ? '~' : ''}`);
}

const none = () => undefined;

describe('history/groupByTemplate', () => {
  const cases: { name: string; walk: string[]; truncated?: boolean; groups: string[]; invalid?: string[] }[] = [
    { name: 'consecutive commits with one template form one group', walk: ['c3:H2', 'c2:H2', 'c1:H1'], groups: ['H2:c3,c2', 'H1:c1'] },
    { name: 'a template that comes back is a new group', walk: ['c3:H1', 'c2:H2', 'c1:H1'], groups: ['H1:c3', 'H2:c2', 'H1:c1'] },
    { name: 'an invalid commit does not split a group and is listed apart', walk: ['c3:H1', 'c2:!', 'c1:H1'], groups: ['H1:c3,c1'], invalid: ['c2'] },
    { name: 'commits before the workload existed are dropped', walk: ['c3:H1', 'c2:-', 'c1:-'], groups: ['H1:c3'] },
    { name: 'deleted then added again keeps the gap', walk: ['c3:H1', 'c2:-', 'c1:H1'], groups: ['H1:c3', '-:c2', 'H1:c1'] },
    { name: 'deleted at the head is shown', walk: ['c2:-', 'c1:H1'], groups: ['-:c2', 'H1:c1'] },
    { name: 'a truncated walk marks the oldest group', walk: ['c2:H2', 'c1:H1'], truncated: true, groups: ['H2:c2', 'H1:c1~'] },
    { name: 'truncated but the workload appeared inside the walk: not marked', walk: ['c2:H1', 'c1:-'], truncated: true, groups: ['H1:c2'] },
    { name: 'never declared: no groups', walk: ['c2:-', 'c1:!'], groups: [], invalid: ['c1'] },
    { name: 'empty walk', walk: [], groups: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = groupByTemplate(walk(...c.walk), KEY, { truncated: c.truncated ?? false, statusOf: none });
      assert.deepEqual({ groups: shape(r.groups), invalid: r.invalid.map((i) => i.commit.sha.slice(0, 2)) }, { groups: c.groups, invalid: c.invalid ?? [] });
    });
  }

  it('attaches the journal status of each commit', () => {
    const statuses: Record<string, RevisionStatus> = { [sha('c2')]: 'failed', [sha('c1')]: 'succeeded' };
    const r = groupByTemplate(walk('c2:H2', 'c1:H1'), KEY, { truncated: false, statusOf: (s) => statuses[s] });
    assert.deepEqual(
      r.groups.map((g) => g.commits.map((c) => c.status)),
      [['failed'], ['succeeded']],
    );
  });

  it('introducedBy is the oldest commit of the group', () => {
    const r = groupByTemplate(walk('c3:H2', 'c2:H2', 'c1:H1'), KEY, { truncated: false, statusOf: none });
    assert.equal(introducedBy(r.groups[0]!).commit.sha, sha('c2'));
  });

  it('declaredKeys lists every workload of the valid commits', () => {
    assert.deepEqual(declaredKeys(walk('c2:H1', 'c1:!')), ['Deployment/default/other', KEY]);
  });
});

describe('history/knownBad', () => {
  const group = (...statuses: (RevisionStatus | undefined)[]): TemplateGroup => ({
    hash: 'H',
    truncated: false,
    commits: statuses.map((s, i) => ({ commit: commit(`b${i}`), ...(s ? { status: s } : {}) })),
  });
  const cases: [string, TemplateGroup, boolean][] = [
    ['failed only', group('failed'), true],
    ['rejected only', group('rejected'), true],
    ['failed, then succeeded with a later commit', group('succeeded', 'failed'), false],
    ['no journal', group(undefined, undefined), false],
    ['superseded', group('superseded'), false],
  ];
  for (const [name, g, bad] of cases) it(name, () => assert.equal(knownBad(g), bad));
});
