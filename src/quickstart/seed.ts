/**
 * The quick start's manifests repository: a git repo seeded once from repo-template/, kept
 * across runs (what a user changed and committed stays), so `npm start` twice follows the
 * same repo and the same instance.
 */
import { cp, mkdir } from 'node:fs/promises';
import { pathExists } from '../util/pathExists';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';

/** Author of the seed commit when the machine has no git identity configured. */
const SEED_IDENTITY = ['-c', 'user.name=berth quickstart', '-c', 'user.email=quickstart@berth.invalid'];

export async function seedRepository(template: string, repo: string): Promise<'created' | 'existing'> {
  if (await pathExists(path.join(repo, '.git'))) return 'existing';
  await mkdir(repo, { recursive: true });
  await cp(template, repo, { recursive: true });
  const git = simpleGit(repo);
  await git.init(['--initial-branch=main']);
  await git.add('.');
  await git.raw([...SEED_IDENTITY, 'commit', '-q', '-m', "Start from berth's repo-template"]);
  return 'created';
}

