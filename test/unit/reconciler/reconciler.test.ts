import { strict as assert } from 'node:assert';
import { Reconciler, type ReconcilerOptions } from '../../../src/reconciler/reconciler';
import type { Applier, StepOutcome } from '../../../src/rollout/types';
import type { OutcomeRecord, Recorder, RevisionSource, RevisionStatus, Validation } from '../../../src/reconciler/types';
import type { FetchResult, Revision } from '../../../src/git/types';
import { emptyDesiredState, type DesiredState } from '../../../src/model/types';
import { BerthError } from '../../../src/util/errors';

/** A branch as a list of commits; each commit's "manifests dir" is its sha. */
class FakeSource implements RevisionSource {
  commits: string[] = [];
  unreachable = false;
  fetches = 0;
  async fetch(): Promise<FetchResult> {
    this.fetches++;
    if (this.unreachable) return { type: 'unreachable', error: 'connection refused' };
    const sha = this.commits[this.commits.length - 1];
    return sha ? { type: 'advanced', sha, previous: undefined } : { type: 'branch-missing' };
  }
  async revision(sha: string): Promise<Revision> {
    return { sha, author: 'a', authorEmail: 'a@x', date: '2026-01-01T00:00:00Z', subject: `commit ${sha}`, body: '' };
  }
  async commitsBetween(from: string | undefined, to: string): Promise<Revision[]> {
    const i = from ? this.commits.indexOf(from) + 1 : 0;
    return Promise.all(this.commits.slice(i, this.commits.indexOf(to) + 1).map((s) => this.revision(s)));
  }
  checkoutError: Error | undefined;
  async checkout(sha: string): Promise<string> {
    if (this.checkoutError && sha !== 'c1') throw this.checkoutError;
    return sha;
  }
}

/** Each desired state carries its revision in a namespace name, so calls are readable. */
const desiredFor = (sha: string): DesiredState => ({
  ...emptyDesiredState(),
  namespaces: [{ kind: 'Namespace', meta: { name: sha, namespace: sha, labels: {}, annotations: {}, source: { file: '', line: 0, col: 0 } } }],
});

/** Scripted steps: `script['rollout:c2']` is what every step of c2's rollout returns (converged by default). */
class FakeApplier implements Applier {
  calls: string[] = [];
  script: Record<string, StepOutcome> = {};
  overdue = new Set<string>();
  async step(desired: DesiredState, revision: string, mode: string): Promise<StepOutcome> {
    this.calls.push(`${mode}:${desired.namespaces[0].meta.name}`);
    return this.script[`${mode}:${revision}`] ?? { type: 'converged', actions: mode === 'self-heal' ? 0 : 1, summary: [] };
  }
  pastDeadline(revision: string) {
    return this.overdue.has(revision);
  }
  resources() {
    return [];
  }
  terminating() {
    return [];
  }
}

const progressing: StepOutcome = { type: 'progressing', actions: 1, summary: [], requeueAfterMs: 500 };

class MemoryRecorder implements Recorder {
  records: OutcomeRecord[] = [];
  async record(_rev: Revision, o: OutcomeRecord) {
    this.records.push(o);
  }
  async statusOf(sha: string): Promise<RevisionStatus | undefined> {
    return [...this.records].reverse().find((r) => r.sha === sha)?.status;
  }
  async lastGood() {
    return [...this.records].reverse().find((r) => r.status === 'succeeded')?.sha;
  }
  async lastAttempted() {
    return this.records[this.records.length - 1]?.sha;
  }
  story(): string[] {
    return this.records.map((r) => `${r.sha}:${r.status}`);
  }
}

function setup(over: Partial<ReconcilerOptions> = {}, invalid: string[] = []) {
  const source = new FakeSource();
  const applier = new FakeApplier();
  const recorder = new MemoryRecorder();
  const validate = async (dir: string): Promise<Validation> =>
    invalid.includes(dir) ? { ok: false, errors: [`web.yaml:3:5: spec.replicas: must be an integer`] } : { ok: true, desired: desiredFor(dir), warnings: [] };
  const opts: ReconcilerOptions = {
    instance: 't',
    source: { repo: 'r', branch: 'main', path: '.' },
    selfHeal: true,
    autoRollback: true,
    resyncMs: 1000,
    validate,
    log: () => {},
    ...over,
  };
  const make = () => new Reconciler(source, applier, recorder, opts);
  return { source, applier, recorder, make, rec: make() };
}

describe('reconciler', () => {
  it('applies a new commit once, then only self-heals it', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    await rec.pass();
    assert.deepEqual(
      [recorder.story(), applier.calls],
      [
        ['c1:applying', 'c1:succeeded'],
        ['rollout:c1', 'self-heal:c1'],
      ],
    );
  });

  it('rejects an invalid commit without touching the engine, and keeps the good one running', async () => {
    const { source, applier, recorder, rec } = setup({}, ['c2']);
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    await rec.pass();
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded', 'c2:rejected']);
    assert.deepEqual(applier.calls, ['rollout:c1', 'self-heal:c1', 'self-heal:c1']);
    assert.deepEqual(recorder.records[2].errors, ['web.yaml:3:5: spec.replicas: must be an integer']);
    assert.equal(rec.status().lastAppliedRevision, 'c1');
  });

  it('rolls a failed commit back to the last good one and does not retry it', async () => {
    const { source, applier, recorder, rec } = setup();
    applier.script['rollout:c2'] = {
      type: 'failed',
      actions: 2,
      reason: 'Deployment default/web: progress deadline exceeded',
      details: ['pod web-x: exit code 1'],
    };
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    await rec.pass();
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded', 'c2:applying', 'c2:failed']);
    // The failed commit is recorded when its rollback begins; the rollback is the same pass's next step.
    assert.deepEqual(applier.calls, ['rollout:c1', 'rollout:c2', 'rollback:c1', 'self-heal:c1']);
    assert.equal(recorder.records[3].rollbackTo, 'c1');
    assert.equal(rec.status().lastAppliedRevision, 'c1');
  });

  it('a rollout is many passes: each takes one step and asks to be called again soon', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1'];
    applier.script['rollout:c1'] = progressing;
    assert.deepEqual(await rec.pass(), { type: 'requeue', afterMs: 500 });
    assert.equal(rec.status().phase, 'applying');
    delete applier.script['rollout:c1'];
    assert.equal((await rec.pass()).type, 'done');
    assert.deepEqual(
      [recorder.story(), applier.calls],
      [
        ['c1:applying', 'c1:succeeded'],
        ['rollout:c1', 'rollout:c1'],
      ],
    );
  });

  it('a newer commit takes over at the next pass: the interrupted one is superseded, not waited for', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    applier.script['rollout:c2'] = progressing; // e.g. never ready
    await rec.pass();
    await rec.pass();
    source.commits.push('c3');
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded', 'c2:applying', 'c2:superseded', 'c3:applying', 'c3:succeeded']);
    assert.deepEqual(applier.calls, ['rollout:c1', 'rollout:c2', 'rollout:c2', 'rollout:c3']);
    assert.match(recorder.records[3].reason ?? '', /superseded by c3 during its rollout/);
  });

  it('an interrupted commit already past its progress deadline is recorded failed', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1', 'c2'];
    applier.script['rollout:c2'] = progressing;
    await rec.pass();
    applier.overdue.add('c2');
    source.commits.push('c3');
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c2:applying', 'c2:failed', 'c3:applying', 'c3:succeeded']);
  });

  it('a newer commit takes over a rollback in progress; the failed commit stays failed', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    applier.script['rollout:c2'] = { type: 'failed', actions: 1, reason: 'never ready', details: [] };
    applier.script['rollback:c1'] = progressing;
    assert.equal((await rec.pass()).type, 'requeue');
    assert.equal(rec.status().phase, 'rolling-back');
    source.commits.push('c3');
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded', 'c2:applying', 'c2:failed', 'c3:applying', 'c3:succeeded']);
    assert.deepEqual(applier.calls, ['rollout:c1', 'rollout:c2', 'rollback:c1', 'rollout:c3']);
  });

  it('passes woken by the rollout itself reuse a head fetched moments ago; git triggers always fetch', async () => {
    const { source, applier, rec } = setup();
    source.commits = ['c1'];
    applier.script['rollout:c1'] = progressing;
    await rec.pass(['start']);
    await rec.pass(['resync']);
    await rec.pass(['readiness', 'terminated']);
    assert.equal(source.fetches, 1);
    await rec.pass(['resync', 'git-watch']);
    assert.equal(source.fetches, 2);
  });

  it('self-heal that waits for a repair asks for another pass soon', async () => {
    const { source, applier, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    applier.script['self-heal:c1'] = progressing;
    assert.deepEqual(await rec.pass(), { type: 'requeue', afterMs: 500 });
  });

  it('records commits it jumped over as superseded', async () => {
    const { source, recorder, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2', 'c3', 'c4');
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded', 'c2:superseded', 'c3:superseded', 'c4:applying', 'c4:succeeded']);
  });

  it('retries a commit whose apply hit an engine error, and says so', async () => {
    const { source, applier, recorder, rec } = setup();
    applier.script['rollout:c1'] = { type: 'error', error: new Error('docker engine unreachable') };
    source.commits = ['c1'];
    const first = await rec.pass();
    assert.equal(first.type, 'transient-error');
    assert.equal(rec.status().lastError, 'docker engine unreachable');
    delete applier.script['rollout:c1'];
    await rec.pass();
    assert.deepEqual(recorder.story(), ['c1:applying', 'c1:succeeded']);
  });

  it('after a restart resumes: the last good revision is self-healed, an interrupted one re-attempted', async () => {
    const { source, applier, recorder, make } = setup();
    source.commits = ['c1', 'c2'];
    recorder.records = [
      { sha: 'c1', status: 'applying' },
      { sha: 'c1', status: 'succeeded' },
      { sha: 'c2', status: 'applying' },
    ];
    const rec = make();
    await rec.pass();
    assert.deepEqual(applier.calls, ['rollout:c2']);
    assert.equal(await recorder.statusOf('c2'), 'succeeded');
  });

  it('keeps self-healing while the remote is unreachable and reports a transient error', async () => {
    const { source, applier, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    source.unreachable = true;
    const r = await rec.pass();
    assert.deepEqual([r.type, applier.calls], ['transient-error', ['rollout:c1', 'self-heal:c1']]);
  });

  it('with auto-rollback off leaves a failed commit in place: no self-heal back to the last good one, also after a restart or while the remote is down', async () => {
    const { source, applier, recorder, make, rec } = setup({ autoRollback: false });
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    applier.script['rollout:c2'] = { type: 'failed', actions: 1, reason: 'never ready', details: [] };
    await rec.pass();
    await rec.pass();
    source.unreachable = true;
    await rec.pass();
    const restarted = make();
    await restarted.pass();
    source.unreachable = false;
    await restarted.pass();
    assert.deepEqual(applier.calls, ['rollout:c1', 'rollout:c2']);
    assert.match(recorder.records.at(-1)?.reason ?? '', /automatic rollback is off/);
    source.commits.push('c3');
    await restarted.pass();
    await restarted.pass();
    assert.deepEqual(applier.calls.slice(2), ['rollout:c3', 'self-heal:c3']);
  });

  it('rejects a commit without the manifests folder and keeps self-healing; a git failure is retried instead', async () => {
    const { source, applier, recorder, rec } = setup();
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('moved');
    source.checkoutError = new BerthError('E_INVALID', 'path "deploy" does not exist in commit moved');
    await rec.pass();
    assert.deepEqual(recorder.records.at(-1), {
      sha: 'moved',
      status: 'rejected',
      reason: '1 validation error(s); nothing was changed',
      errors: ['path "deploy" does not exist in commit moved'],
    });
    source.commits.push('broken');
    source.checkoutError = new BerthError('E_GIT', 'cannot check out broken: disk full');
    await assert.rejects(rec.pass(), /disk full/); // the queue retries it with backoff
    assert.equal(await recorder.statusOf('broken'), undefined);
    assert.deepEqual(applier.calls, ['rollout:c1', 'self-heal:c1']);
  });

  it('with write-back records the revert commit', async () => {
    const { source, applier, recorder } = setup();
    applier.script['rollout:c2'] = { type: 'failed', actions: 1, reason: 'never ready', details: [] };
    const reverts: string[] = [];
    const opts: ReconcilerOptions = {
      instance: 't',
      source: { repo: 'r', branch: 'main', path: '.' },
      selfHeal: true,
      autoRollback: true,
      resyncMs: 1000,
      validate: async (d) => ({ ok: true, desired: desiredFor(d), warnings: [] }),
      log: () => {},
    };
    const rec = new Reconciler(source, applier, recorder, opts, { revert: async (rev, reason) => (reverts.push(`${rev.sha}:${reason}`), { sha: 'r1' }) });
    source.commits = ['c1'];
    await rec.pass();
    source.commits.push('c2');
    await rec.pass();
    assert.deepEqual([reverts, recorder.records[3].revertSha], [['c2:never ready'], 'r1']);
  });
});
