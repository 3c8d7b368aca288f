/**
 * Stopping berth never stops the apps: SIGTERM or SIGINT, idle or while a rollout waits for
 * a pod that is far from ready, makes `berth run` exit 0 within seconds, with every
 * container still running, the journal whole (the interrupted commit stays `applying`, to be
 * resumed by the next start) and the instance lock released.
 */
import * as assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { containersOf, E2EEnv, NEVER_POLL, runningIds, type HistoryEntry } from '../helpers/operator';
import { deployment } from './fixtures';

interface Case {
  signal: NodeJS.Signals;
  /** Stop while a rollout waits for readiness (else: idle). */
  midRollout: boolean;
}

const CASES: Case[] = [
  { signal: 'SIGTERM', midRollout: false },
  { signal: 'SIGTERM', midRollout: true },
  { signal: 'SIGINT', midRollout: true },
];

/** Stopping takes longer than this only when berth waits for something it should abandon. */
const EXIT_WITHIN_MS = 5000;

describe('e2e: SIGTERM and SIGINT', function () {
  this.timeout(60_000);
  const env = new E2EEnv('op-sig');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  for (const c of CASES) {
    it(`${c.signal} ${c.midRollout ? 'while a rollout waits for readiness' : 'when idle'}: exit 0 within seconds, apps running, journal whole, lock released`, async () => {
      const repo = await makeRepo();
      const instance = env.instance();
      const stateDir = await env.stateDir();
      const v1 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2 }) }, 'v1');
      const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL });
      await op.waitFor(v1, 'succeeded', 30_000);
      let v2: string | undefined;
      if (c.midRollout) {
        // The new pod becomes ready only after 60 s: the rollout is waiting when the signal comes.
        v2 = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 2, version: 'v2', readyAfter: 60 }) }, 'v2: slow to start');
        await pollUntil(
          async () => {
            const applying = (await op.revisions()).find((e) => e.sha === v2)?.status === 'applying';
            const started = (await containersOf(env.runtime, instance)).some((x) => x.labels[LABEL.revision] === v2 && x.state === 'running');
            return applying && started ? true : undefined;
          },
          { timeoutMs: 20_000, what: `the rollout of v2 to wait for its new pod; operator output:\n${op.tail()}` },
        );
      }
      const before = await runningIds(env.runtime, instance);

      const exit = await op.kill(c.signal);
      assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}; output:\n${op.tail()}`);
      assert.ok(exit.ms < EXIT_WITHIN_MS, `berth took ${exit.ms} ms to stop`);
      assert.match(op.output, /stopping; the apps keep running/);

      assert.deepEqual(await runningIds(env.runtime, instance), before, 'containers stopped or replaced by stopping berth');
      assert.equal(await stat(join(stateDir, `${instance}.lock`)).catch(() => undefined), undefined, 'lock file left behind');
      const text = await readFile(join(stateDir, 'journal.jsonl'), 'utf8');
      assert.ok(text.endsWith('\n'), 'journal ends in a torn line');
      const records = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as HistoryEntry);
      const latest = (sha: string) => records.filter((r) => r.sha === sha).pop()?.status;
      assert.equal(latest(v1), 'succeeded');
      if (v2) assert.equal(latest(v2), 'applying', 'the interrupted commit must stay applying (resumed by the next start)');
    });
  }
});
