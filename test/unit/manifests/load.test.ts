import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifests, type LoadResult } from '../../../src/manifests';
import { isBerthError } from '../../../src/util/errors';
import { CONFIGMAP, FIXTURES, makeTree, removeTree, type TreeSpec } from './helpers';

const files = (r: LoadResult) => r.docs.map((d) => d.file);
const where = (r: LoadResult) => r.problems.map((p) => [p.code, p.file, p.line, p.col]);

describe('manifests/loadManifests', () => {
  const dirs: string[] = [];
  async function tree(spec: TreeSpec): Promise<string> {
    const dir = await makeTree(spec);
    dirs.push(dir);
    return dir;
  }
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => removeTree(d)));
  });

  describe('finding files', () => {
    it('reads *.yaml and *.yml recursively, sorted by path, paths relative with /', async () => {
      const root = await tree({
        'b.yaml': CONFIGMAP('b'),
        'a/z.yml': CONFIGMAP('az'),
        'a/b/c.yaml': CONFIGMAP('abc'),
        'a-b.yaml': CONFIGMAP('a-b'),
        'UPPER.YAML': CONFIGMAP('upper'),
        'notes.txt': 'not yaml: [',
        'a/readme.md': '# nothing',
        'a/x.json': '{}',
      });
      const r = await loadManifests(root);
      assert.deepEqual(r.problems, []);
      const expected = ['UPPER.YAML', 'a-b.yaml', 'a/b/c.yaml', 'a/z.yml', 'b.yaml'];
      assert.deepEqual(files(r), expected);
      assert.deepEqual([...expected].sort(), expected); // plain code-unit order, not the walk's
    });

    it('skips hidden files and folders (.git included) and node_modules', async () => {
      const root = await tree({
        'app.yaml': CONFIGMAP('app'),
        '.hidden.yaml': CONFIGMAP('hidden'),
        '.git/config.yaml': 'broken: [',
        'deep/.cache/x.yaml': 'broken: [',
        'node_modules/pkg/x.yaml': 'broken: [',
        'deep/node_modules/y.yml': 'broken: [',
        'deep/kept.yaml': CONFIGMAP('kept'),
      });
      const r = await loadManifests(root);
      assert.deepEqual([files(r), r.problems], [['app.yaml', 'deep/kept.yaml'], []]);
    });

    it('returns nothing for an empty directory', async () => {
      const r = await loadManifests(await tree({}));
      assert.deepEqual(r, { docs: [], problems: [] });
    });

    it('loads the fixtures directory, reporting each bad fixture in its own file', async () => {
      const r = await loadManifests(FIXTURES);
      const bad = new Set(r.problems.filter((p) => p.severity === 'error').map((p) => p.file));
      assert.deepEqual([...bad].sort(), ['alias-bomb.yaml', 'duplicate-key.yaml', 'list-flattened.yaml', 'not-a-mapping.yaml', 'tab-indent.yaml']);
      assert.ok(r.docs.some((d) => d.file === 'locate.yaml'));
    });
  });

  describe('the root', () => {
    it('throws E_IO when the root does not exist', async () => {
      const missing = path.join(os.tmpdir(), `berth-no-such-dir-${process.pid}-${Date.now()}`);
      await assert.rejects(loadManifests(missing), (err) => isBerthError(err, 'E_IO') && /does not exist/.test(err.message));
    });

    it('throws E_IO when the root is a file', async () => {
      const root = await tree({ 'cm.yaml': CONFIGMAP('x') });
      await assert.rejects(loadManifests(path.join(root, 'cm.yaml')), (err) => isBerthError(err, 'E_IO') && /not a directory/.test(err.message));
    });

    it('follows a root that is itself a symlink', async () => {
      const real = await tree({ 'cm.yaml': CONFIGMAP('x') });
      const holder = await tree({});
      await fs.symlink(real, path.join(holder, 'link'));
      const r = await loadManifests(path.join(holder, 'link'));
      assert.deepEqual([files(r), r.problems], [['cm.yaml'], []]);
    });

    it('refuses bad limits with E_USAGE', async () => {
      const root = await tree({});
      await assert.rejects(loadManifests(root, { maxFiles: -1 }), (err) => isBerthError(err, 'E_USAGE'));
      await assert.rejects(loadManifests(root, { maxFileBytes: Number.NaN }), (err) => isBerthError(err, 'E_USAGE'));
    });
  });

  describe('symlinks', () => {
    it('refuses links whose target is outside the root, loads the rest', async () => {
      const outside = await tree({ 'evil.yaml': CONFIGMAP('evil'), 'dir/more.yaml': CONFIGMAP('more') });
      const root = await tree({
        'ok.yaml': CONFIGMAP('ok'),
        'link.yaml': { link: path.join(outside, 'evil.yaml') },
        linkdir: { link: path.join(outside, 'dir') },
        passwd: { link: '/etc/passwd' }, // not a manifest name: never read, nothing to report
      });
      // A relative link that climbs out of the root.
      await fs.mkdir(path.join(root, 'sub'));
      await fs.symlink(path.relative(path.join(root, 'sub'), path.join(outside, 'evil.yaml')), path.join(root, 'sub', 'rel.yml'));
      const r = await loadManifests(root);
      assert.deepEqual(files(r), ['ok.yaml']);
      assert.deepEqual(where(r), [
        ['load.symlink-outside', 'link.yaml', 1, 1],
        ['load.symlink-outside', 'linkdir', 1, 1],
        ['load.symlink-outside', 'sub/rel.yml', 1, 1],
      ]);
      assert.match(r.problems[0].message, /outside the manifests directory/);
    });

    it('refuses a link that climbs out with ../ even when the target sits next to the root', async () => {
      const parent = await tree({ 'root/ok.yaml': CONFIGMAP('ok'), 'sibling.yaml': CONFIGMAP('sibling') });
      await fs.symlink('../sibling.yaml', path.join(parent, 'root', 'up.yaml'));
      const r = await loadManifests(path.join(parent, 'root'));
      assert.deepEqual([files(r), where(r)], [['ok.yaml'], [['load.symlink-outside', 'up.yaml', 1, 1]]]);
    });

    it('follows links (file and directory) whose target is inside the root', async () => {
      const root = await tree({
        '.shared/base.yaml': CONFIGMAP('base'),
        '.shared/dir/more.yaml': CONFIGMAP('more'),
        'apps/base.yaml': { link: '../.shared/base.yaml' },
        'apps/extra': { link: '../.shared/dir' },
      });
      const r = await loadManifests(root);
      assert.deepEqual([files(r), r.problems], [['apps/base.yaml', 'apps/extra/more.yaml'], []]);
      assert.deepEqual(r.docs[1].locate(['metadata', 'name']), { line: 4, col: 3 });
    });

    it('reads a file or directory reached twice only once, with a warning on the second path', async () => {
      const root = await tree({
        'base/cm.yaml': CONFIGMAP('cm'),
        'same.yaml': { link: 'base/cm.yaml' },
        'zz-alias': { link: 'base' },
      });
      const r = await loadManifests(root);
      assert.deepEqual(files(r), ['base/cm.yaml']);
      assert.deepEqual(where(r), [
        ['load.symlink-duplicate', 'same.yaml', 1, 1],
        ['load.symlink-duplicate', 'zz-alias', 1, 1],
      ]);
      assert.ok(r.problems.every((p) => p.severity === 'warning'));
      assert.match(r.problems[0].message, /same file as 'base\/cm.yaml'/);
    });

    it('stops at symlink loops', async () => {
      const root = await tree({ 'a/cm.yaml': CONFIGMAP('cm'), 'a/loop': { link: '..' }, 'a/self': { link: '.' } });
      const r = await loadManifests(root);
      assert.deepEqual(files(r), ['a/cm.yaml']);
      assert.deepEqual(where(r), [
        ['load.symlink-duplicate', 'a/loop', 1, 1],
        ['load.symlink-duplicate', 'a/self', 1, 1],
      ]);
    });

    it('reports a broken symlink with a manifest name, ignores other broken links', async () => {
      const root = await tree({ 'ok.yaml': CONFIGMAP('ok'), 'gone.yaml': { link: 'nowhere.yaml' }, 'gone.txt': { link: 'nowhere' } });
      const r = await loadManifests(root);
      assert.deepEqual([files(r), where(r)], [['ok.yaml'], [['load.read', 'gone.yaml', 1, 1]]]);
      assert.match(r.problems[0].message, /broken symlink/);
    });
  });

  describe('files that cannot be read', () => {
    it('reports a FIFO named like a manifest instead of blocking on it', async function () {
      const root = await tree({ 'ok.yaml': CONFIGMAP('ok') });
      try {
        execFileSync('mkfifo', [path.join(root, 'pipe.yaml')]);
      } catch {
        this.skip(); // no mkfifo on this system
      }
      const r = await loadManifests(root);
      assert.deepEqual([files(r), where(r)], [['ok.yaml'], [['load.not-a-file', 'pipe.yaml', 1, 1]]]);
    });

    it('reports an unreadable file and reads the others', async function () {
      if (process.getuid?.() === 0) this.skip(); // root reads any file
      const root = await tree({ 'a.yaml': CONFIGMAP('a'), 'b.yaml': CONFIGMAP('b') });
      await fs.chmod(path.join(root, 'a.yaml'), 0o000);
      const r = await loadManifests(root);
      assert.deepEqual([files(r), where(r)], [['b.yaml'], [['load.read', 'a.yaml', 1, 1]]]);
    });

    it('reports a file that is not UTF-8', async () => {
      const root = await tree({ 'ok.yaml': CONFIGMAP('ok') });
      await fs.writeFile(path.join(root, 'latin1.yaml'), Buffer.from('kind: Caf\xe9\n', 'latin1'));
      const r = await loadManifests(root);
      assert.deepEqual([files(r), where(r)], [['ok.yaml'], [['load.encoding', 'latin1.yaml', 1, 1]]]);
    });

    it('reads a file with a UTF-8 byte order mark, positions unchanged', async () => {
      const root = await tree({ 'bom.yaml': `\ufeff${CONFIGMAP('bom')}` });
      const r = await loadManifests(root);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.docs[0].locate(['kind']), { line: 2, col: 1 });
    });
  });

  describe('limits', () => {
    it('does not parse a file over maxFileBytes', async () => {
      const big = `${CONFIGMAP('big')}data:\n  k: "${'x'.repeat(200)}"\n`;
      const root = await tree({ 'big.yaml': big, 'small.yaml': CONFIGMAP('small') });
      const r = await loadManifests(root, { maxFileBytes: 100 });
      assert.deepEqual([files(r), where(r)], [['small.yaml'], [['load.file-too-large', 'big.yaml', 1, 1]]]);
      assert.match(r.problems[0].message, new RegExp(`${Buffer.byteLength(big)} bytes, more than the limit of 100 bytes`));
    });

    it('accepts a file of exactly maxFileBytes', async () => {
      const text = CONFIGMAP('exact');
      const root = await tree({ 'exact.yaml': text });
      const r = await loadManifests(root, { maxFileBytes: Buffer.byteLength(text) });
      assert.deepEqual([files(r), r.problems], [['exact.yaml'], []]);
    });

    it('stops after maxFiles files, with a Problem on the first one not read', async () => {
      const root = await tree({ 'a.yaml': CONFIGMAP('a'), 'b.yaml': CONFIGMAP('b'), 'c.yaml': 'broken: [', 'd.yaml': 'broken: [' });
      const r = await loadManifests(root, { maxFiles: 2 });
      assert.deepEqual([files(r), where(r)], [['a.yaml', 'b.yaml'], [['load.max-files', 'c.yaml', 1, 1]]]);
    });

    it('stops after maxDocuments documents across files and reads no further file', async () => {
      const two = (n: string) => `${CONFIGMAP(`${n}1`)}---\n${CONFIGMAP(`${n}2`)}`;
      const root = await tree({ 'a.yaml': two('a'), 'b.yaml': two('b'), 'c.yaml': 'broken: [' });
      const r = await loadManifests(root, { maxDocuments: 3 });
      assert.deepEqual(files(r), ['a.yaml', 'a.yaml', 'b.yaml']);
      // b.yaml's second document starts at line 6; c.yaml (broken) is never read.
      assert.deepEqual(where(r), [['load.max-documents', 'b.yaml', 6, 1]]);
    });

    it('refuses the alias bomb fixture through the loader, naming the file and line', async () => {
      const root = await tree({ 'bomb.yaml': await fs.readFile(path.join(FIXTURES, 'alias-bomb.yaml'), 'utf8') });
      const started = process.hrtime.bigint();
      const r = await loadManifests(root);
      console.log(`      (loadManifests with the alias bomb: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms)`);
      assert.deepEqual(where(r), [['load.alias-limit', 'bomb.yaml', 2, 1]]);
      assert.deepEqual(
        r.docs.map((d) => (d.body.metadata as { name: string }).name),
        ['after-the-bomb'],
      );
    });
  });
});
