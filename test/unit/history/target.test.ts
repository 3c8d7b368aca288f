import assert from 'node:assert/strict';
import type { RevisionStatus } from '../../../src/audit/types';
import { groupByTemplate } from '../../../src/history/group';
import { commitsToRevert, groupOfCommit, previousTemplate, runningGroupIndex } from '../../../src/history/target';
import type { TemplateGroup } from '../../../src/history/types';
import { isBerthError } from '../../../src/util/errors';
import { KEY, sha, walk } from './fixtures';

function groups(specs: string[], statuses: Record<string, RevisionStatus> = {}, truncated = false): TemplateGroup[] {
  return groupByTemplate(walk(...specs), KEY, { truncated, statusOf: (s) => statuses[s] }).groups;
}

describe('history/runningGroupIndex', () => {
  const g = groups(['c4:H1', 'c3:H2', 'c2:H1', 'c1:H0']);
  const cases: [string, { hash: string; revisions: string[] }, number | undefined][] = [
    ["the group holding the pods' commit", { hash: 'H1', revisions: [sha('c2')] }, 2],
    ['the newest group with the hash when no commit matches', { hash: 'H1', revisions: ['0'.repeat(40)] }, 0],
    ['a commit of another template does not count', { hash: 'H2', revisions: [sha('c2')] }, 1],
    ['a hash no commit declares', { hash: 'HX', revisions: [sha('c4')] }, undefined],
  ];
  for (const [name, running, want] of cases) it(name, () => assert.equal(runningGroupIndex(g, running), want));
});

describe('history/previousTemplate', () => {
  const cases: { name: string; walk: string[]; statuses?: Record<string, RevisionStatus>; from: number; want: string | RegExp }[] = [
    { name: 'the group right before', walk: ['c3:H3', 'c2:H2', 'c1:H1'], from: 0, want: 'H2' },
    { name: 'from an older running group', walk: ['c3:H3', 'c2:H2', 'c1:H1'], from: 1, want: 'H1' },
    { name: 'skips the running template coming back (A, B, A)', walk: ['c3:H1', 'c2:H2', 'c1:H1', 'c0:H0'], from: 0, want: 'H2' },
    {
      name: 'after a rollback whose revert is in git: past the failed one and the same template',
      walk: ['c3:H1', 'c2:H2', 'c1:H1', 'c0:H0'],
      statuses: { [sha('c2')]: 'failed', [sha('c3')]: 'succeeded' },
      from: 0,
      want: 'H0',
    },
    { name: 'skips a gap where it was not declared', walk: ['c3:H2', 'c2:-', 'c1:H1'], from: 0, want: 'H1' },
    { name: 'nothing older', walk: ['c1:H1'], from: 0, want: /no earlier template in the commits walked/ },
    { name: 'only failed ones older', walk: ['c2:H2', 'c1:H1'], statuses: { [sha('c1')]: 'failed' }, from: 0, want: /1 earlier template\(s\) failed/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = previousTemplate(groups(c.walk, c.statuses), c.from);
      if (typeof c.want === 'string') assert.equal(t.type === 'target' ? t.group.hash : t.reason, c.want);
      else assert.match(t.type === 'none' ? t.reason : `target ${t.group.hash}`, c.want);
    });
  }
});

describe('history/groupOfCommit and commitsToRevert', () => {
  const g = groups(['c5:H3', 'c4:H3', 'c3:H2', 'c2:H1', 'c1:H1']);

  it('finds the group of any commit', () => {
    assert.equal(groupOfCommit(g, sha('c4')), 0);
    assert.equal(groupOfCommit(g, sha('c1')), 2);
    assert.equal(groupOfCommit(g, sha('ff')), undefined);
  });

  it('one step back reverts the commit that introduced the current template', () => {
    assert.deepEqual(
      commitsToRevert(g, 0, 1).map((c) => c.sha),
      [sha('c4')],
    );
  });

  it('two steps back revert both introducing commits, newest first', () => {
    assert.deepEqual(
      commitsToRevert(g, 0, 2).map((c) => c.sha),
      [sha('c4'), sha('c3')],
    );
  });

  it('refuses a target that is not older', () => {
    assert.throws(
      () => commitsToRevert(g, 1, 1),
      (e) => isBerthError(e, 'E_USAGE'),
    );
  });

  it('refuses a group whose introducing commit was cut off by --limit', () => {
    const cut: TemplateGroup[] = [{ ...g[0]!, truncated: true }, g[1]!];
    assert.throws(
      () => commitsToRevert(cut, 0, 1),
      (e) => isBerthError(e, 'E_USAGE') && /older than the commits walked/.test(e.message),
    );
  });
});
