import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REAP_SLACK_MS, reapDecision, secondsLeft, splitTerminating, TerminationLedger, type TerminationRecord } from '../../../src/rollout/terminating';
import type { ObservedPod, ObservedState } from '../../../src/observe/types';
import type { ContainerState, ContainerSummary } from '../../../src/runtime/types';

const c = (id: string, state: ContainerState = 'running'): ContainerSummary => ({
  id,
  name: id,
  image: 'i',
  labels: {},
  state,
  status: '',
  createdAt: 0,
  networks: {},
});
const pod = (name: string, ...containers: ContainerSummary[]): ObservedPod => ({
  namespace: 'default',
  name,
  kind: 'Deployment',
  owner: 'web',
  specHash: 'h',
  revision: 'r',
  containers,
});
const rec = (podName: string, ids: string[], deadline = 10_000): TerminationRecord => ({
  key: 'Deployment/default/web',
  namespace: 'default',
  pod: podName,
  containerIds: ids,
  volumes: [],
  graceSeconds: 10,
  since: 0,
  deadline,
});

describe('rollout: terminating pods (pure rules and the ledger)', () => {
  it('splits the pods whose containers are in the ledger off the live ones, with their deadlines', () => {
    const observed: ObservedState = { networks: [], volumes: [], pods: [pod('a', c('1')), pod('b', c('2'))] };
    const split = splitTerminating(observed, [rec('b', ['2'], 5000)]);
    assert.deepEqual([split.pods.map((p) => p.name), split.terminating?.map((p) => [p.name, p.deadline])], [['a'], [['b', 5000]]]);
  });

  it('a pod of the same name created after the old one went is live (matched by container id, not name)', () => {
    const split = splitTerminating({ networks: [], volumes: [], pods: [pod('db-0', c('new'))] }, [rec('db-0', ['old'])]);
    assert.deepEqual([split.pods.length, split.terminating?.length], [1, 0]);
  });

  it('a pod the engine is removing already is going, not live, even without a record (its removal is never planned twice)', () => {
    const observed: ObservedState = { networks: [], volumes: [], pods: [pod('a', c('1', 'removing')), pod('b', c('2', 'removing'), c('3'))] };
    const split = splitTerminating(observed, []);
    assert.deepEqual([split.pods.map((p) => p.name), split.terminating?.map((p) => p.name)], [['b'], ['a']]);
  });

  const reap: [string, ContainerSummary[], number, string][] = [
    ['still running before the deadline: keep', [c('1')], 5000, 'keep'],
    ['stopped before the deadline: remove', [c('1', 'exited')], 5000, 'remove'],
    ['gone (removed by hand or by another berth): forget', [], 5000, 'forget'],
    ['still running just past the deadline: wait for the engine a moment', [c('1')], 10_000 + REAP_SLACK_MS - 1, 'keep'],
    ['still running well past the deadline: remove by force', [c('1')], 10_000 + REAP_SLACK_MS, 'remove forced'],
  ];
  for (const [name, containers, now, want] of reap) {
    it(`reaper: ${name}`, () => {
      const d = reapDecision(rec('a', ['1']), new Map(containers.map((x) => [x.id, x])), now);
      assert.equal(d.type === 'remove' ? `remove${d.forced ? ' forced' : ''}` : d.type, want);
    });
  }

  it('seconds left round up and never go below 0', () => {
    assert.deepEqual([secondsLeft(10_000, 8_500), secondsLeft(10_000, 12_000)], [2, 0]);
  });

  it('the ledger survives a new process, and an unreadable one counts as empty', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'berth-ledger-'));
    try {
      const a = new TerminationLedger(dir, 'x');
      await Promise.all([a.add([rec('p1', ['1'])]), a.add([rec('p2', ['2'])])]);
      await a.remove([rec('p1', ['1'])]);
      assert.deepEqual(
        (await new TerminationLedger(dir, 'x').list()).map((r) => r.pod),
        ['p2'],
      );
      assert.deepEqual(await new TerminationLedger(dir, 'other').list(), []);
      await writeFile(a.file, '{ torn');
      assert.deepEqual(await new TerminationLedger(dir, 'x').list(), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
