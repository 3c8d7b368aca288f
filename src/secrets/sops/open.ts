/**
 * Opening a sops file in memory: its composed YAML documents are decrypted in place (each
 * encrypted scalar gets its plaintext; positions stay those of the file as committed) and
 * the MAC is checked before anything is returned: a file changed after encryption, one byte
 * or one key, is refused. `structure` mode (no identity: `berth validate` without a key)
 * checks the metadata and the form of every encrypted value, puts a typed placeholder in
 * its place and says, as a warning, what it could not verify.
 */
import { createHash } from 'node:crypto';
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import { fieldPath, fileProblem, positionOf, type PathSegment, type Problem } from '../../util';
import { unwrapDataKey, type AgeKeyring } from './age';
import { declaredType, decryptValue, encryptedFormatProblem, valueBytes, type SopsScalar } from './cipher';
import { readMetadata, shouldBeEncrypted, type SopsMetadata } from './metadata';
import { dropSopsKey, leavesOf, sopsNodeOf, type Leaf } from './tree';

export type SopsMode = { kind: 'decrypt'; keyring: AgeKeyring } | { kind: 'structure' };

/** getsops/sops `MACOnlyEncryptedInitialization` (sha256 of "sops"). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');

interface Ctx {
  file: string;
  lines: LineCounter;
  meta: SopsMetadata;
  metaNode: Node;
}

/** Decrypt (or check) the documents of one sops file; errors mean: use none of them. */
export async function openSopsDocuments(file: string, docs: Document[], lines: LineCounter, mode: SopsMode): Promise<Problem[]> {
  const metaNode = docs[0] ? sopsNodeOf(docs[0]) : undefined;
  if (!metaNode) return [fileProblem(file, { line: 1, col: 1 }, 'sops.metadata', 'sops metadata (the top-level sops key) must be in the first document')];
  const read = readMetadata((metaNode as YAMLMap).toJSON());
  if (!read.ok) return [problemAt(file, lines, metaNode, 'sops.metadata', read.reason, ['sops', ...(read.field ? [read.field] : [])])];
  const ctx: Ctx = { file, lines, meta: read.meta, metaNode };
  const leaves: Leaf[][] = [];
  for (const doc of docs) {
    const walked = leavesOf(doc);
    if (!walked.ok) return [problemAt(file, lines, walked.node ?? metaNode, 'sops.structure', walked.reason, walked.at)];
    leaves.push(walked.leaves);
  }
  const problems = mode.kind === 'decrypt' ? await decryptAll(ctx, leaves.flat(), mode.keyring) : checkStructure(ctx, leaves.flat());
  if (!problems.some((p) => p.severity === 'error')) for (const doc of docs) dropSopsKey(doc);
  return problems;
}

async function decryptAll(ctx: Ctx, leaves: Leaf[], keyring: AgeKeyring): Promise<Problem[]> {
  if (ctx.meta.age.length === 0) return [noAge(ctx)];
  const dataKey = await unwrapDataKey(ctx.meta.age, keyring);
  if (!dataKey.ok) return [problemAt(ctx.file, ctx.lines, ctx.metaNode, 'sops.no-key', `cannot decrypt: ${dataKey.reason}`, ['sops', 'age'])];
  const hash = createHash('sha512');
  if (ctx.meta.macOnlyEncrypted) hash.update(MAC_ONLY_ENCRYPTED_INIT);
  const plain: { leaf: Leaf; value: SopsScalar }[] = [];
  for (const leaf of leaves) {
    const encrypted = shouldBeEncrypted(ctx.meta.rule, leaf.keys);
    const value = encrypted ? decryptLeaf(leaf, dataKey.key) : clearValue(leaf);
    if (typeof value === 'object') return [leafProblem(ctx, leaf, 'sops.value', value.reason)];
    if (!ctx.meta.macOnlyEncrypted || encrypted) hash.update(valueBytes(value));
    if (encrypted) plain.push({ leaf, value });
  }
  const mac = decryptValue(ctx.meta.mac, dataKey.key, ctx.meta.lastModified);
  const computed = hash.digest('hex').toUpperCase();
  if (!mac.ok || typeof mac.value !== 'string' || mac.value.toUpperCase() !== computed) {
    const why = mac.ok ? 'the values, their keys or their order differ from what sops encrypted' : `the MAC itself does not decrypt (${mac.reason})`;
    return [
      problemAt(ctx.file, ctx.lines, ctx.metaNode, 'sops.mac', `MAC mismatch: the file was changed after it was encrypted: ${why}; refused`, ['sops', 'mac']),
    ];
  }
  // Only once the whole file is authenticated does any plaintext enter the documents.
  for (const { leaf, value } of plain) leaf.node.value = value;
  return [];
}

function decryptLeaf(leaf: Leaf, key: Buffer): SopsScalar | { reason: string } {
  const text = leaf.node.value;
  if (typeof text !== 'string') return { reason: 'this value should be encrypted but is in clear (the file was edited after encryption?)' };
  if (leaf.viaAlias && text !== '') return { reason: 'an encrypted value reached through a YAML alias cannot be decrypted (sops never writes aliases)' };
  const d = decryptValue(text, key, leaf.keys.join(':') + ':');
  if (!d.ok) return { reason: `cannot decrypt this value: ${d.reason}` };
  return d.value;
}

function clearValue(leaf: Leaf): SopsScalar | { reason: string } {
  const v: unknown = leaf.node.value;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  return { reason: 'a value sops cannot have written' };
}

/** No identity: check what can be checked, replace encrypted values by typed placeholders. */
function checkStructure(ctx: Ctx, leaves: Leaf[]): Problem[] {
  if (ctx.meta.age.length === 0) return [noAge(ctx)];
  let count = 0;
  for (const leaf of leaves) {
    if (!shouldBeEncrypted(ctx.meta.rule, leaf.keys)) continue;
    const text = leaf.node.value;
    if (typeof text !== 'string') return [leafProblem(ctx, leaf, 'sops.value', 'this value should be encrypted but is in clear')];
    if (text === '') continue;
    const bad = encryptedFormatProblem(text);
    if (bad) return [leafProblem(ctx, leaf, 'sops.value', `not a sops value: ${bad}`)];
    leaf.node.value = placeholder(declaredType(text));
    count++;
  }
  const recipients = ctx.meta.age.map((s) => s.recipient).join(', ');
  const message = `sops file for ${recipients}: not decrypted (no age identity given), so ${count} encrypted value(s) and the MAC were not verified; placeholders stand in for them`;
  return [problemAt(ctx.file, ctx.lines, ctx.metaNode, 'sops.not-verified', message, ['sops'], 'warning')];
}

function placeholder(type: string | undefined): SopsScalar {
  if (type === 'int' || type === 'int64' || type === 'float') return 0;
  if (type === 'bool') return false;
  return '';
}

function noAge(ctx: Ctx): Problem {
  const others = ctx.meta.otherKeyTypes.length ? ` (it is encrypted for ${ctx.meta.otherKeyTypes.join(', ')})` : '';
  return problemAt(ctx.file, ctx.lines, ctx.metaNode, 'sops.no-age', `the file has no age recipient${others}; berth decrypts sops files with age only`, [
    'sops',
  ]);
}

function leafProblem(ctx: Ctx, leaf: Leaf, code: string, message: string): Problem {
  return problemAt(ctx.file, ctx.lines, leaf.node, code, message, leaf.at);
}

function problemAt(
  file: string,
  lines: LineCounter,
  node: Node,
  code: string,
  message: string,
  at: PathSegment[],
  severity: 'error' | 'warning' = 'error',
): Problem {
  return fileProblem(file, positionOf(lines, node), code, message, { path: fieldPath(at), severity });
}
