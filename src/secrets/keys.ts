/**
 * Where the operator's age identities come from, as sops looks for them (getsops/sops
 * `age/keysource.go`): every `--age-key-file`, the `SOPS_AGE_KEY_FILE` file, the
 * `SOPS_AGE_KEY` variable, and the default file `$XDG_CONFIG_HOME/sops/age/keys.txt`
 * (`~/.config/sops/age/keys.txt`). All are combined, so an old and a new key can both be
 * given while files are re-encrypted (rotation). A named file that cannot be read is an
 * error; the default file may be absent. Identities are secret: no message shows one.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BerthError, messageOf } from '../util';
import { keyringOf, type AgeKeyring } from './sops/age';

export interface KeySources {
  keyFiles: readonly string[];
  env: NodeJS.ProcessEnv;
}

const IDENTITY_RE = /^AGE-SECRET-KEY-1[02-9ac-hj-np-z]+$/i;

export async function loadAgeKeyring(src: KeySources): Promise<AgeKeyring> {
  const identities: string[] = [];
  const named = [...src.keyFiles, ...(src.env.SOPS_AGE_KEY_FILE ? [src.env.SOPS_AGE_KEY_FILE] : [])];
  for (const file of named) identities.push(...parseKeyFile(await readKeyFile(file, true), file));
  if (src.env.SOPS_AGE_KEY) identities.push(...parseKeyFile(src.env.SOPS_AGE_KEY, 'SOPS_AGE_KEY'));
  const fallback = defaultKeyFile(src.env);
  const text = await readKeyFile(fallback, false);
  if (text !== undefined) identities.push(...parseKeyFile(text, fallback));
  return keyringOf([...new Set(identities)]);
}

export function defaultKeyFile(env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(config, 'sops', 'age', 'keys.txt');
}

async function readKeyFile(file: string, required: true): Promise<string>;
async function readKeyFile(file: string, required: false): Promise<string | undefined>;
async function readKeyFile(file: string, required: boolean): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('E_USAGE', `cannot read age key file ${file}: ${messageOf(err)}`, 'name a file written by age-keygen');
  }
}

/** age's identity file: one `AGE-SECRET-KEY-1...` per line, `#` comments, blank lines. */
export function parseKeyFile(text: string, source: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!IDENTITY_RE.test(line)) {
      const what = line.startsWith('AGE-PLUGIN-') ? 'an age plugin identity (not supported)' : 'not an age identity';
      throw new BerthError('E_USAGE', `${source}:${i + 1}: ${what}`, 'age key files hold AGE-SECRET-KEY-1... lines (age-keygen)');
    }
    out.push(line.toUpperCase());
  }
  return out;
}
