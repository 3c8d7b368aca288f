/**
 * `berth run` at a terminal (a pseudo-terminal made by util-linux `script`): its log lines
 * are for people (pino-pretty), with no JSON object between them; `--log-format json`
 * brings JSON back. Without a terminal (every other e2e test) the lines stay JSON.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLI_MAIN } from '../helpers/cli';
import { commitFiles, makeRepo } from '../helpers/gitRepo';
import { E2EEnv } from '../helpers/operator';
import { PAUSE_COMMAND, TEST_IMAGE } from '../helpers/testImage';
import { pollUntil } from '../../src/util/eventually';
import { deployment } from './fixtures';

/** The text without terminal colours. */
// eslint-disable-next-line no-control-regex -- terminal colour codes
const plain = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `berth run` under `script` until `done(output)`, then SIGTERMs berth (script's child). */
async function runAtTerminal(args: string[], done: (out: string) => boolean): Promise<string> {
  const cmd = ['exec', process.execPath, CLI_MAIN, 'run', ...args]
    .map(quote)
    .join(' ')
    .replace(/^'exec'/, 'exec');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, BERTH_LOG_FORMAT: undefined } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    await pollUntil(() => (done(out) ? true : undefined), { timeoutMs: 30_000, what: `output at the terminal:\n${out}` });
  } finally {
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const pid of children) process.kill(Number(pid), 'SIGTERM');
    await exited;
  }
  return out;
}

describe('e2e: berth run at a terminal', function () {
  this.timeout(60_000);
  const env = new E2EEnv('op-tty');
  before(() => env.prepare());
  afterEach(() => env.cleanup());

  async function argsFor(): Promise<string[]> {
    const repo = await makeRepo();
    await commitFiles(repo, { 'web.yaml': deployment({ replicas: 1 }) }, 'web');
    return [
      '--repo',
      repo,
      '--instance',
      env.instance(),
      '--state-dir',
      await env.stateDir(),
      '--listen',
      '127.0.0.1:0',
      '--pause-image',
      TEST_IMAGE,
      '--pause-command',
      PAUSE_COMMAND.join(' '),
    ];
  }

  it('prints human log lines, never a JSON object, between its own lines', async () => {
    const out = plain(await runAtTerminal(await argsFor(), (o) => /following .*dashboard/.test(plain(o)) && /INFO: action/.test(plain(o))));
    const lines = out.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.ok(
      lines.some((l) => /^\[\d\d:\d\d:\d\d\] INFO: action \{"pass":"[^"]+","action":"create-pod"/.test(l)),
      out,
    );
    assert.ok(!lines.some((l) => l.trimStart().startsWith('{')), `a JSON line at the terminal:\n${out}`);
  });

  it('--log-format json: JSON lines even at a terminal', async () => {
    const out = await runAtTerminal([...(await argsFor()), '--log-format', 'json'], (o) => /"msg":"action"/.test(o));
    assert.match(out, /^\{"level":30,/m);
  });
});
