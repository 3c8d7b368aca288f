/**
 * Temporary manifests directories for tests that apply, edit and re-apply manifests:
 * written from YAML strings or copied from a fixture directory, changed file by file,
 * removed by `dispose()` (or `disposeManifestDirs()` for every one still alive).
 *
 *   const dir = await ManifestDir.create({ 'web.yaml': yaml`
 *     kind: Pod
 *     ...` });
 *   await dir.write('web.yaml', changed);
 *   await dir.remove('web.yaml');
 *   afterEach(disposeManifestDirs);
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The repository root: tests run from dist/test/helpers, fixtures stay in the source tree. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const APPLY_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'apply');

const alive = new Set<ManifestDir>();

export class ManifestDir {
  private constructor(readonly path: string) {}

  /** A fresh directory holding `files` (relative name -> YAML text). */
  static async create(files: Record<string, string> = {}, prefix = 'berth-manifests-'): Promise<ManifestDir> {
    const dir = new ManifestDir(await mkdtemp(path.join(tmpdir(), prefix)));
    alive.add(dir);
    for (const [name, text] of Object.entries(files)) await dir.write(name, text);
    return dir;
  }

  /** A fresh copy of `test/fixtures/apply/<name>/`, so a test may edit it freely. */
  static async fromFixture(name: string): Promise<ManifestDir> {
    const dir = await ManifestDir.create({}, `berth-${name}-`);
    await cp(path.join(APPLY_FIXTURES, name), dir.path, { recursive: true, errorOnExist: true });
    return dir;
  }

  /**
   * Several fixture directories side by side in one fresh directory (each copied to a
   * sub-directory of its own name), applied together as one desired state.
   */
  static async fromFixtures(names: readonly string[]): Promise<ManifestDir> {
    const dir = await ManifestDir.create({}, 'berth-fixtures-');
    for (const name of names) await dir.addFixture(name);
    return dir;
  }

  /** Copies fixture directory `name` into the sub-directory `name` (which must not exist). */
  async addFixture(name: string): Promise<void> {
    const target = this.resolve(name);
    await cp(path.join(APPLY_FIXTURES, name), target, { recursive: true, errorOnExist: true, force: false });
  }

  /** Writes (or replaces) one file; `name` may contain sub-directories. */
  async write(name: string, text: string): Promise<void> {
    const file = this.resolve(name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }

  async read(name: string): Promise<string> {
    return readFile(this.resolve(name), 'utf8');
  }

  /** Rewrites one file through `change`; throws when the change leaves it as it was (a typo in a test). */
  async edit(name: string, change: (text: string) => string): Promise<void> {
    const before = await this.read(name);
    const after = change(before);
    if (after === before) throw new Error(`editing ${name} changed nothing`);
    await this.write(name, after);
  }

  async remove(name: string): Promise<void> {
    await rm(this.resolve(name), { force: true, recursive: true });
  }

  async dispose(): Promise<void> {
    alive.delete(this);
    await rm(this.path, { recursive: true, force: true });
  }

  private resolve(name: string): string {
    const file = path.resolve(this.path, name);
    if (!file.startsWith(this.path + path.sep)) throw new Error(`manifest file "${name}" leaves ${this.path}`);
    return file;
  }
}

/** Removes every ManifestDir not disposed yet (for afterEach). */
export async function disposeManifestDirs(): Promise<void> {
  await Promise.all([...alive].map((d) => d.dispose()));
}

/**
 * A tagged template for YAML in test code: drops the first line break and the indentation
 * common to all non-blank lines, so manifests can be indented with the code around them.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n')
    .split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, /^ */.exec(l)![0].length))).join('\n');
}
