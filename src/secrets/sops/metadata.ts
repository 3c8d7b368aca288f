/**
 * The `sops` block of an encrypted file, checked and read (getsops/sops `stores/stores.go`,
 * `Metadata.ToInternal`): the data key wrapped for each age recipient, `lastmodified` (the
 * additional data of the MAC), the MAC, and the one rule that says which values are
 * encrypted. With none of the four rules given, sops' default applies: keys ending in
 * `_unencrypted` stay in clear.
 */
export interface AgeStanza {
  recipient: string;
  /** The armored age file that holds the 32-byte data key. */
  enc: string;
}

export type EncryptionRule =
  { kind: 'unencrypted_suffix' | 'encrypted_suffix'; suffix: string } | { kind: 'unencrypted_regex' | 'encrypted_regex'; re: RegExp };

export interface SopsMetadata {
  age: AgeStanza[];
  /** Master key types other than age the file is also encrypted for (pgp, kms, ...). */
  otherKeyTypes: string[];
  /** `lastmodified` as sops formats it for the MAC's additional data (RFC 3339, seconds). */
  lastModified: string;
  mac: string;
  rule: EncryptionRule;
  macOnlyEncrypted: boolean;
  version: string;
}

export type MetadataRead = { ok: true; meta: SopsMetadata } | { ok: false; field: string; reason: string };

const RULES = ['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex'] as const;
const OTHER_KEY_TYPES = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault'] as const;
const UNSUPPORTED = ['unencrypted_comment_regex', 'encrypted_comment_regex'] as const;
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

export function readMetadata(raw: unknown): MetadataRead {
  if (!isRecord(raw)) return fail('', 'the sops key must be a mapping');
  for (const f of UNSUPPORTED) if (nonEmpty(raw[f])) return fail(f, 'comment-based encryption rules are not supported by berth');
  const age = ageStanzas(raw);
  if (!Array.isArray(age)) return age;
  const lastModified = rfc3339(raw.lastmodified);
  if (lastModified === undefined) return fail('lastmodified', 'missing or not an RFC 3339 time');
  if (typeof raw.mac !== 'string' || raw.mac === '') return fail('mac', 'missing: a file without a MAC could have been changed by anyone');
  const rule = ruleOf(raw);
  if ('field' in rule) return rule;
  const otherKeyTypes = OTHER_KEY_TYPES.filter((k) => Array.isArray(raw[k]) && (raw[k] as unknown[]).length > 0);
  const macOnlyEncrypted = raw.mac_only_encrypted === true;
  const version = typeof raw.version === 'string' ? raw.version : '';
  return { ok: true, meta: { age, otherKeyTypes, lastModified, mac: raw.mac, rule, macOnlyEncrypted, version } };
}

/** Top-level `age`, or the single group of `key_groups` (several groups are Shamir's split). */
function ageStanzas(raw: Record<string, unknown>): AgeStanza[] | { ok: false; field: string; reason: string } {
  let source: unknown = raw.age;
  let field = 'age';
  if (Array.isArray(raw.key_groups) && raw.key_groups.length > 0) {
    if (raw.key_groups.length > 1) return fail('key_groups', `${raw.key_groups.length} key groups (Shamir secret sharing) are not supported by berth`);
    const group = raw.key_groups[0];
    source = isRecord(group) ? group.age : undefined;
    field = 'key_groups[0].age';
  }
  if (source === undefined || source === null) return [];
  if (!Array.isArray(source)) return fail(field, 'must be a list of {recipient, enc}');
  const out: AgeStanza[] = [];
  for (let i = 0; i < source.length; i++) {
    const s = source[i];
    if (!isRecord(s) || typeof s.recipient !== 'string' || typeof s.enc !== 'string') {
      return fail(`${field}[${i}]`, 'must have a recipient and an enc string');
    }
    out.push({ recipient: s.recipient, enc: s.enc });
  }
  return out;
}

function ruleOf(raw: Record<string, unknown>): EncryptionRule | { ok: false; field: string; reason: string } {
  const given = RULES.filter((r) => nonEmpty(raw[r]));
  if (given.length > 1) return fail(given[1]!, `only one of ${RULES.join(', ')} may be set (sops refuses the file too)`);
  const kind = given[0];
  if (kind === undefined) return { kind: 'unencrypted_suffix', suffix: DEFAULT_UNENCRYPTED_SUFFIX };
  const value = raw[kind];
  if (typeof value !== 'string') return fail(kind, 'must be a string');
  if (kind === 'unencrypted_suffix' || kind === 'encrypted_suffix') return { kind, suffix: value };
  try {
    return { kind, re: new RegExp(value) };
  } catch (err) {
    return fail(kind, `not a regular expression berth can read: ${(err as Error).message}`);
  }
}

/** sops' shouldBeEncrypted for one rule, over the mapping keys on a value's path. */
export function shouldBeEncrypted(rule: EncryptionRule, keys: readonly string[]): boolean {
  switch (rule.kind) {
    case 'unencrypted_suffix':
      return !keys.some((k) => k.endsWith(rule.suffix));
    case 'encrypted_suffix':
      return keys.some((k) => k.endsWith(rule.suffix));
    case 'unencrypted_regex':
      return !keys.some((k) => rule.re.test(k));
    case 'encrypted_regex':
      return keys.some((k) => rule.re.test(k));
  }
}

/** Go's time.Parse(RFC3339) then Format(RFC3339): fractions dropped, a zero offset written Z. */
function rfc3339(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$/.exec(v);
  if (!m) return undefined;
  const offset = m[3]!.toUpperCase() === 'Z' || m[3] === '+00:00' || m[3] === '-00:00' ? 'Z' : m[3]!;
  return m[1]!.toUpperCase() + offset;
}

function nonEmpty(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, reason: string): { ok: false; field: string; reason: string } {
  return { ok: false, field, reason };
}
