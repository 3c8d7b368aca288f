/**
 * `berth run` refuses what must never reach git or the scheduler (a transport that runs
 * commands, names read as options, a cron step that never ends) with a message naming the
 * problem, exits 2, and leaves no lock behind. Another process then starts normally.
 */
import * as assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { commitFiles, makeRepo, tempDir } from '../helpers/gitRepo';
import { E2EEnv, OperatorProcess } from '../helpers/operator';
import { pod } from './fixtures';

describe('e2e: berth run refuses bad input', function () {
  this.timeout(60_000);
  const env = new E2EEnv('op-input');
  before(() => env.prepare());
  after(() => env.cleanup());

  let repo: string;
  before(async () => {
    repo = await makeRepo();
    await commitFiles(repo, { 'solo.yaml': pod('solo') }, 'solo');
  });

  const CASES: { name: string; args: (marker: string) => { repo?: string; poll?: string; extra?: string[] }; message: RegExp }[] = [
    {
      name: 'an ext:: transport',
      args: (m) => ({ repo: `ext::sh -c touch% ${m}` }),
      message: /uses the "<transport>::<address>" syntax, which can run commands; refused/,
    },
    { name: 'a repository that looks like an option', args: (m) => ({ repo: `--upload-pack=touch ${m}` }), message: /must not start with "-"/ },
    { name: 'a file:// URL naming a host', args: () => ({ repo: 'file://elsewhere/srv/deploy.git' }), message: /file:\/\/ URLs must not name a host/ },
    {
      name: 'a branch that looks like an option',
      args: () => ({ extra: ['--branch=--output=/tmp/x'] }),
      message: /branch "--output=\/tmp\/x" is not a valid branch name/,
    },
    { name: 'a branch with ..', args: () => ({ extra: ['--branch', 'main..other'] }), message: /branch "main\.\.other" is not a valid branch name/ },
    { name: 'a --path leaving the repository', args: () => ({ extra: ['--path', '../../etc'] }), message: /path "\.\.\/\.\.\/etc" must not contain "\.\."/ },
    { name: 'an absolute --path', args: () => ({ extra: ['--path', '/etc'] }), message: /path "\/etc" must be relative to the repository root/ },
    { name: 'a poll step of zero', args: () => ({ poll: '*/0 * * * * *' }), message: /poll schedule "\*\/0 \* \* \* \* \*" is not a valid cron expression/ },
  ];

  for (const c of CASES) {
    it(`refuses ${c.name}`, async () => {
      const instance = env.instance();
      const stateDir = await env.stateDir();
      const marker = join(await tempDir('berth-e2e-marker-'), 'ran');
      const a = c.args(marker);
      const r = await OperatorProcess.runToExit({ repo: a.repo ?? repo, instance, stateDir, poll: a.poll, extra: a.extra });
      assert.equal(r.code, 2, r.output);
      assert.match(r.output, c.message);
      assert.equal(await stat(marker).catch(() => undefined), undefined, 'a command in the input ran');
      assert.equal(await stat(join(stateDir, `${instance}.lock`)).catch(() => undefined), undefined, 'lock left behind');
    });
  }
});
