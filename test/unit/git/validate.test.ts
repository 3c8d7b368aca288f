import assert from 'node:assert/strict';
import { isBerthError } from '../../../src/util/errors';
import { redactUrl, validateBranch, validateCommitId, validateRepoUrl, validateSubPath } from '../../../src/git/validate';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(isBerthError(err, 'E_USAGE'), `expected E_USAGE, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the value to be refused');
}

describe('git/validateRepoUrl', () => {
  const accepted: [string, string, string][] = [
    // input, kind, transport or resolved path/url
    ['/srv/git/app.git', 'local', '/srv/git/app.git'],
    ['./relative/repo', 'local', '/base/relative/repo'],
    ['repo', 'local', '/base/repo'],
    ['/tmp/a::b', 'local', '/tmp/a::b'],
    ['file:///srv/git/app.git', 'local', 'file:///srv/git/app.git'],
    ['ssh://git@example.com:2222/team/app.git', 'remote', 'ssh'],
    ['git+ssh://example.com/team/app.git', 'remote', 'ssh'],
    ['git@github.com:team/app.git', 'remote', 'scp'],
    ['example.com:app.git', 'remote', 'scp'],
    ['https://github.com/team/app.git', 'remote', 'https'],
    ['https://user:token@github.com/team/app.git', 'remote', 'https'],
    ['http://[::1]:8080/app.git', 'remote', 'http'],
    ['git://example.com/app.git', 'remote', 'git'],
  ];
  for (const [input, kind, detail] of accepted) {
    it(`accepts ${input}`, () => {
      const loc = validateRepoUrl(input, '/base');
      assert.equal(loc.kind, kind);
      if (loc.kind === 'local') assert.equal(loc.url, detail);
      else assert.equal(loc.transport, detail);
    });
  }

  it('gives the file system path of a file:// URL', () => {
    const loc = validateRepoUrl('file:///srv/my%20repo');
    assert.deepEqual(loc, { kind: 'local', url: 'file:///srv/my%20repo', path: '/srv/my repo' });
  });

  const refused: [string, RegExp][] = [
    ['ext::sh -c touch% /tmp/pwned', /transport>::<address>/],
    ['fd::17', /transport>::<address>/],
    ['git-remote-x::foo', /transport>::<address>/],
    ['--upload-pack=touch /tmp/pwned', /must not start with "-"/],
    ['-x', /must not start with "-"/],
    ['-oProxyCommand=x:repo', /must not start with "-"/],
    ['', /empty/],
    ['/tmp/repo\nnewline', /control characters/],
    ['/tmp/repo\u0000', /control characters/],
    ['ftp://example.com/app.git', /not supported/],
    ['evil://example.com/app.git', /not supported/],
    ['ssh://-oProxyCommand=touch%20x/app', /must not start with "-"/],
    ['ssh://-user@host/app', /must not start with "-"/],
    ['git@-oProxyCommand=x:app', /must be non-empty and not start with "-"/],
    ['git@host:', /no path/],
    ['file://otherhost/srv/app', /must not name a host/],
    ['https://', /not a valid URL/],
  ];
  for (const [input, message] of refused) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.match(
        refusal(() => validateRepoUrl(input)),
        message,
      );
    });
  }
});

describe('git/validateBranch', () => {
  for (const name of ['main', 'release/1.2', 'feature/x-y_z', 'v1.0', 'a@b', 'deps/@types']) {
    it(`accepts ${name}`, () => assert.equal(validateBranch(name), name));
  }
  const refused: [string, RegExp][] = [
    ['', /empty/],
    ['-x', /starts with "-"/],
    ['--upload-pack=x', /starts with "-"/],
    ['a..b', /"\.\."/],
    ['a~1', /"~"/],
    ['a^', /"\^"/],
    ['a:b', /":"/],
    ['a?', /"\?"/],
    ['a*', /"\*"/],
    ['a[b', /"\["/],
    ['a\\b', /"\\"/],
    ['a@{1}', /"@\{"/],
    ['@', /reserved/],
    ['HEAD', /reserved/],
    ['has space', /space/],
    ['tab\there', /control/],
    ['/lead', /empty path component/],
    ['trail/', /empty path component/],
    ['a//b', /empty path component/],
    ['end.', /ends with "\."/],
    ['.hidden', /starts with "\."/],
    ['a/.b', /starts with "\."/],
    ['x.lock', /\.lock/],
    ['a/b.lock/c', /\.lock/],
  ];
  for (const [name, message] of refused) {
    it(`refuses ${JSON.stringify(name)}`, () =>
      assert.match(
        refusal(() => validateBranch(name)),
        message,
      ));
  }
});

describe('git/validateSubPath', () => {
  const table: [string | undefined, string][] = [
    [undefined, ''],
    ['', ''],
    ['.', ''],
    ['deploy', 'deploy'],
    ['./deploy/', 'deploy'],
    ['deploy//prod', 'deploy/prod'],
  ];
  for (const [input, out] of table) {
    it(`normalises ${JSON.stringify(input)} to ${JSON.stringify(out)}`, () => assert.equal(validateSubPath(input), out));
  }
  for (const input of ['/etc', '../up', 'a/../../b', '.git/hooks', '-x', 'a\nb']) {
    it(`refuses ${JSON.stringify(input)}`, () => refusal(() => validateSubPath(input)));
  }
});

describe('git/validateCommitId and redactUrl', () => {
  it('accepts hex commit ids and refuses the rest', () => {
    assert.equal(validateCommitId('0123abcd'), '0123abcd');
    for (const bad of ['HEAD', '--all', 'abc', 'ABCDEF12', 'main~1', '0123abcd ']) refusal(() => validateCommitId(bad));
  });
  it('masks credentials of http(s) URLs wherever they appear', () => {
    assert.equal(redactUrl('https://user:tok@host/x.git'), 'https://***@host/x.git');
    assert.equal(redactUrl("fatal: unable to access 'https://tok@host/x/': 403"), "fatal: unable to access 'https://***@host/x/': 403");
    assert.equal(redactUrl('git@host:x.git'), 'git@host:x.git');
  });
});
