/**
 * Between commits berth keeps the engine at the last good revision (self-heal, default on):
 * a container removed or stopped by hand comes back within seconds (the engine event asks
 * for a pass; the resync here is an hour), the other pods untouched, and no revision is
 * recorded for it. With --no-self-heal the same drift stays until the next commit.
 */
import * as assert from 'node:assert/strict';
import { LABEL } from '../../src/runtime/types';
import { pollUntil } from '../../src/util/eventually';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { byPod, containersOf, E2EEnv, NEVER_POLL, runningIds, type OperatorProcess } from '../helpers/operator';
import { deployment, pod } from './fixtures';

describe('e2e: drift between commits', function () {
  this.timeout(90_000);
  const env = new E2EEnv('op-drift');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  const files = { 'web.yaml': deployment({ replicas: 2 }), 'solo.yaml': pod('solo') };

  async function running(instance: string, extra: string[] = []) {
    const repo = await makeRepo();
    const sha = await commitFiles(repo, files, 'web and solo');
    const stateDir = await env.stateDir();
    const op = await env.start({ repo, instance, stateDir, poll: NEVER_POLL, extra });
    await op.waitFor(sha, 'succeeded', 30_000);
    return { repo, op };
  }

  async function podOf(instance: string, name: string) {
    const c = (await containersOf(env.runtime, instance)).find((x) => x.labels[LABEL.pod] === name || x.labels[LABEL.pod]?.startsWith(`${name}-`));
    assert.ok(c, `no container of ${name}`);
    return c;
  }

  /** Running pods of the instance, each with exactly one running container. */
  async function healthyPods(instance: string): Promise<string[] | undefined> {
    const pods = byPod(await containersOf(env.runtime, instance));
    const ok = [...pods.values()].every((cs) => cs.length === 1 && cs[0]!.state === 'running');
    return ok ? [...pods.keys()].sort() : undefined;
  }

  async function syncAndWait(op: OperatorProcess): Promise<void> {
    const passes = await op.metric('berth_pass_duration_seconds_count');
    assert.equal((await op.post('/api/v1/sync', '')).status, 202);
    await pollUntil(async () => ((await op.metric('berth_pass_duration_seconds_count')) > passes ? true : undefined), { timeoutMs: 15_000, what: 'a pass' });
  }

  it('repairs a container removed by hand and one stopped by hand, touching nothing else', async () => {
    const instance = env.instance();
    const { op } = await running(instance);
    const before = await runningIds(env.runtime, instance);
    assert.equal(before.length, 3);

    const web = await podOf(instance, 'web');
    await env.runtime.removeContainer(web.id);
    const afterRemove = await pollUntil(
      async () => {
        const ids = await runningIds(env.runtime, instance);
        return ids.length === 3 && (await healthyPods(instance))?.length === 3 ? ids : undefined;
      },
      { timeoutMs: 20_000, what: `the removed web pod to come back; berth said:\n${op.tail()}` },
    );
    const kept = before.filter((x) => !x.endsWith(`=${web.id}`));
    assert.deepEqual(
      afterRemove.filter((x) => kept.includes(x)),
      kept,
      'the other pods were recreated',
    );

    const solo = await podOf(instance, 'solo');
    await env.runtime.stopContainer(solo.id, 1);
    await pollUntil(async () => ((await podOf(instance, 'solo')).state === 'running' && (await healthyPods(instance))?.length === 3 ? true : undefined), {
      timeoutMs: 20_000,
      what: `the stopped solo pod to run again; berth said:\n${op.tail()}`,
    });
    assert.deepEqual(
      (await runningIds(env.runtime, instance)).filter((x) => !x.includes('solo')),
      afterRemove.filter((x) => !x.includes('solo')),
    );

    assert.equal((await op.history()).length, 1, 'a repair is not a revision');
    // The status follows the pods through the probe loop (about every second).
    const want = ['Deployment/web=Healthy', 'Pod/solo=Healthy'].join();
    await pollUntil(
      async () => {
        const seen = (await op.status()).resources
          .map((r) => `${r.kind}/${r.name}=${r.health}`)
          .sort()
          .join();
        return seen === want ? true : undefined;
      },
      { timeoutMs: 10_000, what: 'the status to show both workloads healthy' },
    );
  });

  it('with --no-self-heal leaves the drift until the next commit', async () => {
    const instance = env.instance();
    const { repo, op } = await running(instance, ['--no-self-heal']);
    const solo = await podOf(instance, 'solo');
    await env.runtime.removeContainer(solo.id);
    await syncAndWait(op);
    await syncAndWait(op);
    assert.equal((await runningIds(env.runtime, instance)).filter((x) => x.includes('solo')).length, 0, 'repaired without self-heal');

    const next = await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1 }) }, 'web: one replica');
    await op.waitFor(next, 'succeeded', 30_000);
    assert.equal((await healthyPods(instance))?.length, 2, 'the next commit restores what it declares');
  });
});
