/**
 * `berth run`'s notification options: webhooks (`--notify`, repeatable, `slack:` for Slack),
 * their HMAC secret, and commit statuses on GitHub or Gitea. Secrets are read from files,
 * never taken on the command line (where `ps` shows them).
 */
import { promises as fs } from 'node:fs';
import { Option, type Command } from 'commander';
import { ownerRepoOf, parseNotifyTarget, type Forge } from '../notify';
import type { OperatorOptions } from '../operator';
import { BerthError, messageOf } from '../util';
import { collect } from './options';

export interface NotifyRaw {
  notify: string[];
  notifySecretFile?: string;
  commitStatus?: Forge;
  api?: string;
  tokenFile?: string;
  commitStatusRepo?: string;
}

export function addNotifyOptions(cmd: Command): Command {
  return cmd
    .option('--notify <url>', 'POST every outcome as JSON to URL (repeatable); slack:URL for a Slack incoming webhook', collect, [] as string[])
    .option('--notify-secret-file <file>', 'sign --notify bodies: X-Berth-Signature-256: sha256=HMAC of the body with this secret')
    .addOption(new Option('--commit-status <forge>', 'set a commit status for every revision outcome').choices(['github', 'gitea']))
    .option('--api <url>', 'the forge API for --commit-status (default for github: https://api.github.com)')
    .option('--token-file <file>', 'API token for --commit-status')
    .option('--commit-status-repo <owner/repo>', 'repository of the statuses (default: from --repo)');
}

export async function notifyOptions(raw: NotifyRaw, repo: string): Promise<OperatorOptions['notifications']> {
  const targets = raw.notify.map((spec) => {
    try {
      return parseNotifyTarget(spec);
    } catch (err) {
      throw new BerthError('E_USAGE', messageOf(err));
    }
  });
  const secret = raw.notifySecretFile ? await readSecret(raw.notifySecretFile, '--notify-secret-file') : undefined;
  if (!raw.commitStatus) return { targets, secret };
  const api = raw.api ?? (raw.commitStatus === 'github' ? 'https://api.github.com' : undefined);
  if (!api) throw new BerthError('E_USAGE', '--commit-status gitea needs --api URL (the Gitea server)');
  if (!raw.tokenFile) throw new BerthError('E_USAGE', '--commit-status needs --token-file FILE');
  const where = raw.commitStatusRepo ? /^([^/\s]+)\/([^/\s]+)$/.exec(raw.commitStatusRepo) : undefined;
  const ownerRepo = where ? { owner: where[1]!, repo: where[2]! } : ownerRepoOf(repo);
  if (!ownerRepo)
    throw new BerthError('E_USAGE', `cannot tell the owner/repo of ${raw.commitStatusRepo ?? 'the --repo URL'}`, 'give --commit-status-repo OWNER/REPO');
  const token = await readSecret(raw.tokenFile, '--token-file');
  return { targets, secret, commitStatus: { forge: raw.commitStatus, api, token, ...ownerRepo } };
}

async function readSecret(file: string, option: string): Promise<string> {
  try {
    const text = (await fs.readFile(file, 'utf8')).replace(/\r?\n$/, '');
    if (text === '') throw new Error('the file is empty');
    return text;
  } catch (err) {
    throw new BerthError('E_USAGE', `${option} ${file}: ${messageOf(err)}`);
  }
}
