import { strict as assert } from 'node:assert';
import { commitRedactors, scrubbed, type LogEvent, type Redact } from '../../../src/logs';
import { HistorySource } from '../../../src/history';
import { DEFAULT_VALIDATE_OPTIONS } from '../../../src/validate';
import { cleanupTemp, commitFiles, makeRepo } from '../../helpers/gitRepo';

const line = (pod: string, revision: string, text: string): LogEvent => ({
  type: 'line',
  pod,
  container: 'app',
  revision,
  line: { stream: 'stdout', time: '2026-01-01T00:00:00Z', text },
});
const hide =
  (value: string): Redact =>
  (t) =>
    t.split(value).join('(secret)');
const texts = (events: LogEvent[]) => events.map((e) => (e.type === 'line' ? `${e.pod}: ${e.line.text}` : `${e.type} ${e.pod}`));

describe('logs/scrub: every line scrubbed with the values of its own commit', () => {
  it("a pod of a newer commit (a rotated value) is scrubbed with that commit's values, read when its first line comes, in order", async () => {
    let finish!: (r: Redact) => void;
    const asked: string[] = [];
    const redactFor = (rev: string): Redact | Promise<Redact> => {
      asked.push(rev);
      return rev === 'old' ? hide('hunter2') : new Promise<Redact>((resolve) => (finish = resolve));
    };
    const out: LogEvent[] = [];
    const scrub = scrubbed(redactFor, (e) => out.push(e));
    scrub.onEvent(line('web-a', 'old', 'pw hunter2'));
    scrub.onEvent(line('web-b', 'new', 'pw s3cret'));
    scrub.onEvent(line('web-a', 'old', 'again hunter2'));
    scrub.onEvent({ type: 'ended', pod: 'web-a', container: 'app', why: 'gone' });
    // web-b's commit is being read: what came after its line waits, so the order is kept.
    assert.deepEqual(texts(out), ['web-a: pw (secret)']);
    finish(hide('s3cret'));
    await scrub.drained();
    assert.deepEqual(texts(out), ['web-a: pw (secret)', 'web-b: pw (secret)', 'web-a: again (secret)', 'ended web-a']);
    scrub.onEvent(line('web-b', 'new', 's3cret'));
    assert.deepEqual(asked, ['old', 'new'], 'each commit is asked for once');
    assert.equal(texts(out).at(-1), 'web-b: (secret)');
  });

  it('a line whose commit cannot be read is withheld (fail closed), and the reader is told once per pod', async () => {
    const out: LogEvent[] = [];
    const told: string[] = [];
    const scrub = scrubbed(
      (rev) => (rev === 'ok' ? hide('x') : Promise.reject(new Error(`no commit ${rev}`))),
      (e) => out.push(e),
      (ref, err) => told.push(`${ref.pod}: ${(err as Error).message}`),
    );
    scrub.onEvent(line('web-b', 'gone', 'the value'));
    scrub.onEvent(line('web-b', 'gone', 'the value again'));
    scrub.onEvent(line('web-a', 'ok', 'x'));
    await scrub.drained();
    assert.deepEqual(texts(out), ['web-a: (secret)']);
    assert.deepEqual(told, ['web-b: no commit gone']);
  });
});

describe("logs/commits: a commit's Secret values, from git", function () {
  this.timeout(20_000);
  after(cleanupTemp);

  it('reads each commit once; a revision that is no commit of the repository is an error that says so', async () => {
    const repo = await makeRepo();
    const secret = (v: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: pw}\nstringData: {token: ${v}}\n`;
    const one = await commitFiles(repo, { 'deploy/pw.yaml': secret('first-value') }, 'one');
    const two = await commitFiles(repo, { 'deploy/pw.yaml': secret('second-value') }, 'two');
    let opened = 0;
    const byCommit = commitRedactors({
      open: () => (opened++, HistorySource.open({ stateDir: '/nonexistent', repo, path: 'deploy' })),
      policy: DEFAULT_VALIDATE_OPTIONS,
      cannot: (why) => new Error(`cannot: ${why}`),
    });
    const r1 = await byCommit(one);
    const r2 = await byCommit(two);
    assert.equal(r1('first-value second-value'), `${r1('first-value')} second-value`);
    assert.notEqual(r1('first-value'), 'first-value');
    assert.equal(r1('second-value'), 'second-value', "commit one does not know commit two's value");
    assert.notEqual(r2('second-value'), 'second-value');
    assert.equal(byCommit(one), r1, 'a commit read once is answered at once');
    assert.equal(opened, 1);
    await assert.rejects(Promise.resolve(byCommit('f'.repeat(40))), /cannot: the pods carry revision ffffffff, no commit of/);
    await assert.rejects(Promise.resolve(byCommit('sha256-of-a-dir')), /cannot: the pods carry revision/);
  });
});
