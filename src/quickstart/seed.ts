/**
 * The quick start's manifests repository: a git repo seeded once from repo-template/, kept
 * across runs (what a user changed and committed stays), so `npm start` twice follows the
 * same repo and the same instance.
 */
import { cp, mkdir } from 'node:fs/promises';
import { pathExists } from '../util';
import * as path from 'node:path';
import { initRepoWithFiles } from '../git';

/** Author of the seed commit when the machine has no git identity configured. */
const SEED_IDENTITY = { name: 'berth quickstart', email: 'quickstart@berth.invalid' };

export async function seedRepository(template: string, repo: string): Promise<'created' | 'existing'> {
  if (await pathExists(path.join(repo, '.git'))) return 'existing';
  await mkdir(repo, { recursive: true });
  await cp(template, repo, { recursive: true });
  await initRepoWithFiles(repo, 'main', "Start from berth's repo-template", SEED_IDENTITY);
  return 'created';
}
