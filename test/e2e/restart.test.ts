/**
 * `kill -9` of the operator in the middle of a rolling update whose pods take a couple of
 * seconds to become ready, at several points; a new `berth run` on the same instance and
 * state directory takes the stale lock over, finishes the rollout, and records it. Nothing is
 * duplicated (one container per pod, exactly `replicas` pods, no stopped leftovers), and pods
 * that already matched the commit (the new pods made before the kill, an untouched
 * workload) are not recreated.
 */
import * as assert from 'node:assert/strict';
import { appendFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerSummary } from '../../src/runtime/types';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { berthClone, byPod, containersOf, E2EEnv, NEVER_POLL, noteOf, runningIds, settles } from '../helpers/operator';
import { deployment } from './fixtures';

const REPLICAS = 3;

interface KillPoint {
  name: string;
  /**
   * Also leave what a crash of the whole machine mid-write leaves: a torn last line in the
   * journal, and git's lock files in berth's clone (a fetch and a note interrupted).
   */
  crashDebris?: boolean;
  /** Whether the rollout got far enough to kill now, given the web containers by revision. */
  reached(v1: number, v2: number, status: string | undefined): boolean;
}

const KILL_POINTS: KillPoint[] = [
  {
    name: 'as soon as the commit is recorded as applying (with crash debris: a torn journal line, stale git locks)',
    crashDebris: true,
    reached: (_v1, _v2, status) => status === 'applying',
  },
  { name: 'with the first new pod up, before the old ones are gone', reached: (v1, v2, status) => status === 'applying' && v2 >= 1 && v1 >= 1 },
  { name: 'half-way: some old pods replaced', reached: (v1, v2, status) => status === 'applying' && v1 >= 1 && v1 < REPLICAS && v2 >= 2 },
];

describe('e2e: restart after kill -9 mid-apply', function () {
  this.timeout(120_000);
  const env = new E2EEnv('op-kill');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  for (const point of KILL_POINTS) {
    it(`converges without duplicates or needless recreation when killed ${point.name}`, async () => {
      const repo = await makeRepo();
      const instance = env.instance();
      const stateDir = await env.stateDir();
      // v1 is ready at once (a quick start); v2 pods take a second or two each.
      const files = (version: string, readyAfter: number) => ({
        'web.yaml': deployment({ replicas: REPLICAS, version, readyAfter }),
        'steady.yaml': deployment({ name: 'steady', replicas: 2 }),
      });
      const v1 = await commitFiles(repo, files('v1', 0), 'v1');
      let op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
      await op.waitFor(v1, 'succeeded', 60_000);
      const steady = await runningIds(env.runtime, instance, 'steady');
      assert.equal(steady.length, 2);

      const v2 = await commitFiles(repo, files('v2', 1), 'v2');
      const byRevision = (cs: ContainerSummary[], sha: string) => cs.filter((c) => c.labels[LABEL.owner] === 'web' && c.labels[LABEL.revision] === sha);
      const atKill = await pollUntil(
        async () => {
          const status = (await op.revisions()).find((e) => e.sha === v2)?.status;
          const cs = await containersOf(env.runtime, instance);
          return point.reached(byRevision(cs, v1).length, byRevision(cs, v2).length, status) ? cs : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50, what: `the rollout to get ${point.name}; operator output:\n${op.tail()}` },
      );
      const exit = await op.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
      assert.ok(await stat(join(stateDir, `${instance}.lock`)).catch(() => undefined), 'kill -9 leaves the lock file behind (the restart must take it over)');
      if (point.crashDebris) {
        await appendFile(join(stateDir, 'journal.jsonl'), `{"sha":"${v2}","status":"succ`);
        await writeFile(join(berthClone(stateDir), 'refs/remotes/origin/main.lock'), '');
        await writeFile(join(berthClone(stateDir), 'refs/notes/berth.lock'), '');
      }
      const newBeforeKill = byRevision(atKill, v2)
        .filter((c) => c.state === 'running')
        .map((c) => c.id);

      op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
      await op.waitFor(v2, 'succeeded', 60_000);

      // Old pods the last step began terminating stop and go a moment after `succeeded`.
      await settles(
        async () =>
          (await containersOf(env.runtime, instance)).filter((c) => c.state !== 'running' || byRevision([c], v1).length > 0).map((c) => `${c.name} ${c.state}`),
        [],
        'leftover containers',
      );
      const all = await containersOf(env.runtime, instance);
      const web = byPod(all, 'web');
      assert.equal(web.size, REPLICAS, `web pods: ${[...web.keys()].join(', ')}`);
      for (const [pod, cs] of web) assert.equal(cs.length, 1, `pod ${pod} has ${cs.length} containers`);
      assert.deepEqual(byRevision(all, v1), [], 'old pods left');
      const ids = new Set(all.map((c) => c.id));
      const recreated = newBeforeKill.filter((id) => !ids.has(id));
      assert.deepEqual(recreated, [], 'new pods made before the kill were recreated');
      assert.deepEqual(await runningIds(env.runtime, instance, 'steady'), steady, 'the untouched workload was recreated');
      const status = await op.status();
      assert.equal(status.lastAppliedRevision, v2);
      // The torn line is skipped, and the next record starts on a line of its own.
      assert.deepEqual(
        (await op.history()).map((e) => `${e.sha}:${e.status}`),
        [`${v2}:succeeded`, `${v1}:succeeded`],
      );
      assert.match((await noteOf(stateDir, v2)) ?? '(no note)', /^berth: succeeded/);
    });
  }
});
