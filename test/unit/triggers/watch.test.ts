import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cronProblem } from '../../../src/util/cron';
import { gitDirsOf, isRefPath, pollOnSchedule, watchLocalRepo } from '../../../src/triggers/watch';
import type { Closer } from '../../../src/git/types';
import { pollUntil } from '../../../src/util/eventually';
import { isBerthError } from '../../../src/util/errors';
import { cleanupTemp, commitFiles, git, makeBareWithClone, makeRepo, push, tempDir } from '../../helpers/gitRepo';

describe('triggers/watch', function () {
  this.timeout(30_000);
  const open: Closer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  after(cleanupTemp);

  describe('watchLocalRepo', () => {
    it('sees a commit in a working repository', async () => {
      const repo = await makeRepo();
      await commitFiles(repo, { 'a.yaml': '1\n' }, 'one');
      let changes = 0;
      const w = watchLocalRepo(repo, () => void changes++);
      open.push(w);
      await w.ready;
      await git(repo, 'status'); // touches the index only: no ref moves
      await commitFiles(repo, { 'a.yaml': '2\n' }, 'two');
      await pollUntil(() => (changes > 0 ? true : undefined), { timeoutMs: 1000, what: 'a change event' });
    });

    it('sees a push into a bare repository, debounced into one call', async () => {
      const { origin, clone } = await makeBareWithClone({ files: { 'a.yaml': '1\n' } });
      let changes = 0;
      const w = watchLocalRepo(origin, () => void changes++, { debounceMs: 200 });
      open.push(w);
      await w.ready;
      await commitFiles(clone, { 'a.yaml': '2\n' }, 'two');
      await push(clone);
      await pollUntil(() => (changes > 0 ? true : undefined), { timeoutMs: 1000, what: 'a change event' });
      // A later push is the control: once its call has come, any straggler of the first would have too.
      await commitFiles(clone, { 'a.yaml': '3\n' }, 'three');
      await push(clone);
      await pollUntil(() => (changes > 1 ? true : undefined), { timeoutMs: 1000, what: 'the second change event' });
      assert.equal(changes, 2);
    });

    it('sees a branch update through packed-refs', async () => {
      const repo = await makeRepo();
      const first = await commitFiles(repo, { 'a.yaml': '1\n' }, 'one');
      await commitFiles(repo, { 'a.yaml': '2\n' }, 'two');
      await git(repo, 'pack-refs', '--all');
      let changes = 0;
      const w = watchLocalRepo(repo, () => void changes++);
      open.push(w);
      await w.ready;
      await git(repo, 'update-ref', 'refs/heads/main', first);
      await pollUntil(() => (changes > 0 ? true : undefined), { timeoutMs: 1000, what: 'a change event' });
    });

    it('stops calling after close, and reports callback errors', async () => {
      const repo = await makeRepo();
      await commitFiles(repo, { 'a.yaml': '1\n' }, 'one');
      const errors: unknown[] = [];
      let calls = 0;
      const w = watchLocalRepo(
        repo,
        () => {
          calls++;
          throw new Error('boom');
        },
        { onError: (e) => errors.push(e) },
      );
      await w.ready;
      await commitFiles(repo, { 'a.yaml': '2\n' }, 'two');
      await pollUntil(() => (errors.length > 0 ? true : undefined), { timeoutMs: 1000, what: 'the error' });
      await w.close();
      // A second watcher is the control: once it has seen the commit, the closed one would have too.
      let seenByControl = 0;
      const control = watchLocalRepo(repo, () => void seenByControl++);
      open.push(control);
      await control.ready;
      await commitFiles(repo, { 'a.yaml': '3\n' }, 'three');
      await pollUntil(() => (seenByControl > 0 ? true : undefined), { timeoutMs: 1000, what: 'the control watcher to see the commit' });
      assert.equal(calls, 1);
    });

    it('refuses a directory that is not a repository', async () => {
      const dir = await tempDir();
      assert.throws(
        () => watchLocalRepo(dir, () => undefined),
        (err) => isBerthError(err, 'E_USAGE'),
      );
    });

    it('finds the git directories of working, bare and linked-worktree repositories', async () => {
      const repo = await makeRepo();
      await commitFiles(repo, { a: '1' }, 'one');
      assert.deepEqual(gitDirsOf(repo), { gitDir: join(repo, '.git'), commonDir: join(repo, '.git') });
      const bare = await makeRepo({ bare: true });
      assert.deepEqual(gitDirsOf(bare), { gitDir: bare, commonDir: bare });
      const linked = join(await tempDir(), 'wt');
      await git(repo, 'worktree', 'add', '--quiet', '-b', 'side', linked);
      assert.deepEqual(gitDirsOf(linked), { gitDir: join(repo, '.git', 'worktrees', 'wt'), commonDir: join(repo, '.git') });
    });

    const refPaths: [string, boolean][] = [
      ['', true],
      ['HEAD', true],
      ['packed-refs', true],
      ['FETCH_HEAD', true],
      ['refs', true],
      ['refs/heads', true],
      ['refs/heads/feature/x', true],
      ['refs/heads/main.lock', false],
      ['packed-refs.lock', false],
      ['refs/tags/v1', false],
      ['objects/ab/cdef', false],
      ['logs/HEAD', false],
      ['index', false],
    ];
    for (const [rel, expected] of refPaths) {
      it(`${expected ? 'watches' : 'ignores'} ${JSON.stringify(rel)}`, () => assert.equal(isRefPath(rel), expected));
    }
  });

  describe('pollOnSchedule', () => {
    it('ticks on a 6-field schedule', async () => {
      let ticks = 0;
      open.push(pollOnSchedule('* * * * * *', () => void ticks++));
      await pollUntil(() => (ticks >= 2 ? true : undefined), { timeoutMs: 4000, what: 'two ticks' });
    });

    it('stops ticking when closed', async () => {
      let ticks = 0;
      const p = pollOnSchedule('* * * * * *', () => void ticks++);
      await pollUntil(() => (ticks >= 1 ? true : undefined), { timeoutMs: 3000, what: 'a tick' });
      await p.close();
      const seen = ticks;
      // A second schedule is the control: two of its ticks span more than a period of the closed one.
      let controlTicks = 0;
      open.push(pollOnSchedule('* * * * * *', () => void controlTicks++));
      await pollUntil(() => (controlTicks >= 2 ? true : undefined), { timeoutMs: 4000, what: 'two ticks of the control' });
      assert.equal(ticks, seen);
    });

    it('accepts the default schedule', async () => {
      open.push(pollOnSchedule(undefined, () => undefined));
    });

    const refused: [string, RegExp][] = [
      ['', /expected 5 or 6 fields, got 0/],
      ['every 15s', /expected 5 or 6 fields, got 2/],
      ['*/15 * * * * * * *', /expected 5 or 6 fields, got 8/],
      ['*/0 * * * * *', /field 1 \(second\): step "0"/],
      ['61 * * * * *', /field 1 \(second\): 61 is outside 0-59/],
      ['0 0 25 * * *', /field 3 \(hour\): 25 is outside 0-23/],
      ['* * * * * mon-xyz', /field 6 \(day of week\): "xyz" is not a number or a name/],
      ['* * * 13 *', /field 4 \(month\): 13 is outside 1-12/],
      ['-1 * * * *', /field 1 \(minute\): "-1" is not a value or a range/],
      ['5-1 * * * *', /backwards/],
      ['1/2/3 * * * *', /more than one/],
    ];
    for (const [bad, why] of refused) {
      it(`refuses ${JSON.stringify(bad)}`, () => {
        assert.throws(
          () => pollOnSchedule(bad, () => undefined),
          (err) => isBerthError(err, 'E_USAGE') && why.test(err.message) && !!err.hint,
        );
      });
    }

    const accepted = ['*/15 * * * * *', '0 */5 * * * *', '0 0 * * *', '30 9 * * mon-fri', '0 0 1 jan,jul *', '0,30 * * * * 0-7'];
    for (const good of accepted) {
      it(`accepts ${JSON.stringify(good)}`, async () => {
        assert.equal(cronProblem(good), undefined);
        await pollOnSchedule(good, () => undefined).close();
      });
    }
  });
});
