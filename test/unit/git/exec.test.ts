import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GitCommandError, createGit, runGit, runGitMaybe } from '../../../src/git/exec';
import { cleanupTemp, commitFiles, makeRepo, tempDir } from '../../helpers/gitRepo';

describe('git/exec', function () {
  this.timeout(20_000);
  after(cleanupTemp);

  it('rejects a non-zero exit even when git prints nothing (simple-git would resolve)', async () => {
    const repo = await makeRepo();
    const a = await commitFiles(repo, { x: '1' }, 'a');
    const b = await commitFiles(repo, { x: '2' }, 'b');
    const git = createGit(repo);
    await runGit(git, ['merge-base', '--is-ancestor', a, b]);
    await assert.rejects(
      runGit(git, ['merge-base', '--is-ancestor', b, a]),
      (err) => err instanceof GitCommandError && err.exitCode === 1 && err.args[0] === 'merge-base',
    );
    assert.equal(await runGitMaybe(git, ['config', '--get', 'no.such.key']), undefined);
  });

  it('refuses the ext:: transport even if a URL slipped past validation', async () => {
    const dir = await tempDir();
    const marker = join(dir, 'pwned');
    const git = createGit(dir);
    await assert.rejects(runGit(git, ['ls-remote', `ext::sh -c touch% ${marker}`]));
    assert.equal(existsSync(marker), false);
  });

  it("works with an operator's EDITOR/PAGER/GIT_SSH_COMMAND in the environment", async () => {
    const repo = await makeRepo();
    const saved = { EDITOR: process.env.EDITOR, PAGER: process.env.PAGER, GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND };
    Object.assign(process.env, { EDITOR: 'vi', PAGER: 'less', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' });
    try {
      assert.equal((await runGit(createGit(repo), ['rev-parse', '--is-inside-work-tree'])).trim(), 'true');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
