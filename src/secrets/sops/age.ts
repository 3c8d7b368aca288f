/**
 * age, through the `age-encryption` package (the reference TypeScript implementation, by
 * age's author): the data key of a sops file is an age file, armored, one per recipient.
 * The package is an ES module; berth is CommonJS, so it is loaded with a real dynamic import.
 */
import type { AgeStanza } from './metadata';

type AgeModule = typeof import('age-encryption');

// `import()` written through Function so TypeScript's CommonJS output keeps it an import.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<unknown>;
let loaded: Promise<AgeModule> | undefined;

export function ageModule(): Promise<AgeModule> {
  loaded ??= importEsm('age-encryption') as Promise<AgeModule>;
  return loaded;
}

/**
 * The operator's age identities (secret) and their recipients (public, for messages).
 * Built once at start by `loadAgeKeyring`; passed in, never read from disk by the loader.
 */
export interface AgeKeyring {
  identities: readonly string[];
  recipients: readonly string[];
}

export async function keyringOf(identities: readonly string[]): Promise<AgeKeyring> {
  // No identities (most operators): the age module (~3.5 MB of heap) is not loaded at all.
  if (identities.length === 0) return { identities: [], recipients: [] };
  const age = await ageModule();
  const recipients: string[] = [];
  for (const id of identities) recipients.push(await age.identityToRecipient(id));
  return { identities: [...identities], recipients };
}

export type DataKey = { ok: true; key: Buffer } | { ok: false; reason: string };

/** Unwrap the data key with any identity of the keyring from any of the file's age stanzas. */
export async function unwrapDataKey(stanzas: readonly AgeStanza[], keyring: AgeKeyring): Promise<DataKey> {
  if (keyring.identities.length === 0)
    return { ok: false, reason: `no age identity was given to berth (--age-key-file, SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt); ${forWhom(stanzas)}` };
  const age = await ageModule();
  const ours = new Set(keyring.recipients);
  // Stanzas of our own recipients first: the others cost a failed X25519 each.
  const ordered = [...stanzas].sort((a, b) => Number(ours.has(b.recipient)) - Number(ours.has(a.recipient)));
  const failures: string[] = [];
  for (const stanza of ordered) {
    const d = new age.Decrypter();
    for (const id of keyring.identities) d.addIdentity(id);
    try {
      const key = Buffer.from(await d.decrypt(age.armor.decode(stanza.enc)));
      if (key.length !== 32) return { ok: false, reason: `the data key for ${stanza.recipient} is ${key.length} bytes, not 32` };
      return { ok: true, key };
    } catch (err) {
      failures.push(`${stanza.recipient}: ${(err as Error).message}`);
    }
  }
  const mine = keyring.recipients.join(', ');
  if (!stanzas.some((s) => ours.has(s.recipient))) {
    return { ok: false, reason: `encrypted for another key: ${forWhom(stanzas)}, and berth's identities are for ${mine}` };
  }
  return { ok: false, reason: `the data key could not be unwrapped (${failures.join('; ')})` };
}

function forWhom(stanzas: readonly AgeStanza[]): string {
  if (stanzas.length === 0) return 'the file has no age recipient';
  return `the file is encrypted for ${stanzas.map((s) => s.recipient).join(', ')}`;
}
