import { promises as fs, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (tests run from dist/, fixtures stay in the source tree). */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = up;
  }
  return dir;
}

export const FIXTURES = path.join(repoRoot(), 'test', 'fixtures', 'manifests');

export function fixtureText(name: string): Promise<string> {
  return fs.readFile(path.join(FIXTURES, name), 'utf8');
}

/**
 * A directory tree in a fresh temp dir. A value is file content; `{ link: target }` makes a
 * symlink (target as written, relative to the link's directory or absolute).
 */
export type TreeSpec = Record<string, string | { link: string }>;

export async function makeTree(spec: TreeSpec): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-manifests-'));
  for (const [rel, content] of Object.entries(spec)) {
    const full = path.join(root, rel);
    await fs.mkdir(path.dirname(full), { recursive: true });
    if (typeof content === 'string') await fs.writeFile(full, content);
    else await fs.symlink(content.link, full);
  }
  return root;
}

export async function removeTree(dir: string | undefined): Promise<void> {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}

export const CONFIGMAP = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
