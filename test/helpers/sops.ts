/**
 * Writing sops files in tests, the way `sops encrypt` does (getsops/sops `Tree.Encrypt` and
 * the YAML store): every value the rule selects is encrypted with a random 32-byte data key
 * and its path as additional data, the MAC is SHA-512 over the plaintext values in order,
 * encrypted with `lastmodified` as additional data, and the data key is wrapped for each
 * recipient by the `age` CLI (Debian's `age`), one armored file per recipient.
 * Identities come from `age-keygen`.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { encryptValue, valueBytes, type SopsScalar } from '../../src/secrets/sops/cipher';

export interface AgeKey {
  file: string;
  identity: string;
  recipient: string;
}

export async function ageKeygen(dir: string, name: string): Promise<AgeKey> {
  const file = path.join(dir, `${name}.txt`);
  execFileSync('age-keygen', ['-o', file], { stdio: ['ignore', 'ignore', 'ignore'] });
  const text = await fs.readFile(file, 'utf8');
  const identity = text.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-'))!;
  const recipient = execFileSync('age-keygen', ['-y', file], { encoding: 'utf8' }).trim();
  return { file, identity, recipient };
}

export type Rule =
  { unencrypted_suffix: string } | { encrypted_suffix: string } | { unencrypted_regex: string } | { encrypted_regex: string } | Record<string, never>;

export interface SopsWrite {
  recipients: string[];
  rule?: Rule;
  macOnlyEncrypted?: boolean;
  lastModified?: string;
}

const MAC_ONLY_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

export function sopsEncrypt(plainYaml: string, opts: SopsWrite): string {
  const docs = parseAllDocuments(plainYaml) as Document[];
  const key = randomBytes(32);
  const rule = opts.rule ?? {};
  const encrypted = selector(rule);
  const hash = createHash('sha512');
  if (opts.macOnlyEncrypted) hash.update(MAC_ONLY_INIT);
  for (const doc of docs) {
    visitLeaves(doc.contents as Node, [], (node, keys) => {
      const value = node.value as SopsScalar;
      const enc = encrypted(keys);
      if (!opts.macOnlyEncrypted || enc) hash.update(valueBytes(value));
      if (enc) node.value = encryptValue(value, key, keys.join(':') + ':');
    });
  }
  const lastModified = opts.lastModified ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const age = opts.recipients.map((recipient) => ({ recipient, enc: execFileSync('age', ['-a', '-r', recipient], { input: key, encoding: 'utf8' }) }));
  const meta: Record<string, unknown> = {
    age,
    lastmodified: lastModified,
    mac: encryptValue(hash.digest('hex').toUpperCase(), key, lastModified),
    ...rule,
    ...(opts.macOnlyEncrypted ? { mac_only_encrypted: true } : {}),
    version: '3.9.4',
  };
  for (const doc of docs) (doc.contents as unknown as { set(k: string, v: unknown): void }).set('sops', doc.createNode(meta));
  return docs.map((d) => d.toString({ indent: 4 })).join('---\n');
}

function selector(rule: Rule): (keys: string[]) => boolean {
  if ('unencrypted_suffix' in rule) return (keys) => !keys.some((k) => k.endsWith(rule.unencrypted_suffix));
  if ('encrypted_suffix' in rule) return (keys) => keys.some((k) => k.endsWith(rule.encrypted_suffix));
  if ('unencrypted_regex' in rule) return (keys) => !keys.some((k) => new RegExp(rule.unencrypted_regex).test(k));
  if ('encrypted_regex' in rule) return (keys) => keys.some((k) => new RegExp(rule.encrypted_regex).test(k));
  return (keys) => !keys.some((k) => k.endsWith('_unencrypted'));
}

function visitLeaves(node: Node | null, keys: string[], fn: (n: import('yaml').Scalar, keys: string[]) => void): void {
  if (node === null) return;
  if (isScalar(node)) {
    if (node.value !== null) fn(node, keys);
  } else if (isSeq(node)) {
    for (const item of node.items) visitLeaves(item as Node, keys, fn);
  } else if (isMap(node)) {
    for (const pair of node.items) visitLeaves(pair.value as Node, [...keys, String((pair.key as import('yaml').Scalar).value)], fn);
  }
}
