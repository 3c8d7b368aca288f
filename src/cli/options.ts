import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { BerthError } from '../util';
import type { ValidateOptions } from '../validate';
import { loadAgeKeyring } from '../secrets';
import type { SopsMode } from '../secrets';

/** Options every engine-facing command shares. */
export interface EngineOptions {
  instance: string;
  stateDir: string;
  /** A tmpfs for Secret files (`--secrets-dir`); absent: the first tmpfs among the usual ones. */
  secretsDir?: string;
}

export interface PolicyOptions {
  allowHostPath: string[];
  allowPrivileged: boolean;
}

const INSTANCE_RE = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--allow-host-path <prefix>', 'allow hostPath volumes under PREFIX (repeatable)', collect, [] as string[])
    .option('--allow-privileged', 'allow privileged containers, added capabilities, hostNetwork and hostPID', false)
    .option(
      '--age-key-file <file>',
      'age identities for sops-encrypted manifests (repeatable; also SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt)',
      collect,
      [] as string[],
    );
}

export function addEngineOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--instance <name>', 'berth instance: scopes every Docker object').env('BERTH_INSTANCE').default('default'))
    .addOption(new Option('--state-dir <dir>', 'state directory').env('BERTH_STATE_DIR').default('.berth'))
    .addOption(
      new Option(
        '--secrets-dir <dir>',
        'tmpfs for Secret volume files (default: $XDG_RUNTIME_DIR/berth, /run/berth or /dev/shm/berth, the first on a tmpfs)',
      ).env('BERTH_SECRETS_DIR'),
    );
}

export function engineOptions(raw: { instance: string; stateDir: string; secretsDir?: string }): EngineOptions {
  if (!INSTANCE_RE.test(raw.instance)) {
    throw new BerthError('E_USAGE', `invalid --instance "${raw.instance}"`, 'use 1-40 lowercase letters, digits and dashes');
  }
  return { instance: raw.instance, stateDir: path.resolve(raw.stateDir), ...(raw.secretsDir ? { secretsDir: path.resolve(raw.secretsDir) } : {}) };
}

export function validateOptions(raw: PolicyOptions): ValidateOptions {
  const allowHostPath = raw.allowHostPath.map((p) => {
    if (!path.isAbsolute(p)) throw new BerthError('E_USAGE', `--allow-host-path "${p}" must be an absolute path`);
    return path.normalize(p);
  });
  return { allowHostPath, allowPrivileged: raw.allowPrivileged };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export type OutputFormat = 'text' | 'json';

export function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');
}

export interface SecretOptions {
  ageKeyFile: string[];
}

/**
 * The policy plus how sops files are opened. Without any identity, `structure` (berth
 * validate) checks what it can and warns; `refuse` (everything that applies) rejects.
 */
export async function policyWithSecrets(raw: PolicyOptions & Partial<SecretOptions>, noKey: 'structure' | 'refuse'): Promise<ValidateOptions> {
  const keyring = await loadAgeKeyring({ keyFiles: raw.ageKeyFile ?? [], env: process.env });
  const sops: SopsMode = keyring.identities.length === 0 && noKey === 'structure' ? { kind: 'structure' } : { kind: 'decrypt', keyring };
  return { ...validateOptions(raw), sops };
}
