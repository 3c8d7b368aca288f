/**
 * sops' value format, `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]`, read and
 * written with node:crypto. As in getsops/sops `aes/cipher.go`: AES-256-GCM with a 32-byte
 * IV, the additional data is the value's path (`key:key:`), the plaintext is the value's text
 * and `type` says how to read it back (str, int, float, bool, bytes, comment). An empty value
 * is stored as an empty string, not encrypted.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export type SopsScalar = string | number | boolean;

export type Decrypted = { ok: true; value: SopsScalar; type: string } | { ok: false; reason: string };

const ENC_RE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const TYPES = new Set(['str', 'int', 'int64', 'float', 'bool', 'bytes', 'comment']);
const IV_BYTES = 32;
const TAG_BYTES = 16;

interface Encrypted {
  data: Buffer;
  iv: Buffer;
  tag: Buffer;
  type: string;
}

/** Why `text` is not a well-formed sops value, or undefined when it is one. */
export function encryptedFormatProblem(text: string): string | undefined {
  const parsed = parseEncrypted(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** The type an encrypted value declares (`str`, `int`, ...), for structure-only checks. */
export function declaredType(text: string): string | undefined {
  const parsed = parseEncrypted(text);
  return typeof parsed === 'string' ? undefined : parsed.type;
}

function parseEncrypted(text: string): Encrypted | string {
  const m = ENC_RE.exec(text);
  if (!m) return 'not an ENC[AES256_GCM,...] value';
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  if (![data, iv, tag].every((part) => B64_RE.test(part))) return 'its data, iv or tag is not base64';
  if (!TYPES.has(type)) return `unknown value type "${type}"`;
  const out = { data: Buffer.from(data, 'base64'), iv: Buffer.from(iv, 'base64'), tag: Buffer.from(tag, 'base64'), type };
  if (out.tag.length !== TAG_BYTES) return `its tag is ${out.tag.length} bytes, not ${TAG_BYTES}`;
  if (out.iv.length === 0) return 'its iv is empty';
  return out;
}

export function decryptValue(text: string, key: Buffer, additionalData: string): Decrypted {
  if (text === '') return { ok: true, value: '', type: 'str' };
  const enc = parseEncrypted(text);
  if (typeof enc === 'string') return { ok: false, reason: enc };
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, enc.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(enc.tag);
    plain = Buffer.concat([decipher.update(enc.data), decipher.final()]);
  } catch {
    return { ok: false, reason: 'authentication failed: the value, its place in the file or the data key does not match what sops encrypted' };
  }
  return typed(plain.toString('utf8'), enc.type);
}

/** The plaintext read back as its declared type (Go's strconv rules, as sops does). */
function typed(text: string, type: string): Decrypted {
  switch (type) {
    case 'str':
    case 'bytes':
    case 'comment':
      return { ok: true, value: text, type };
    case 'int':
    case 'int64':
      return /^[+-]?\d+$/.test(text) ? { ok: true, value: Number(text), type } : { ok: false, reason: `type int, but the plaintext is not an integer` };
    case 'float': {
      const n = Number(text);
      return text.trim() !== '' && !Number.isNaN(n) ? { ok: true, value: n, type } : { ok: false, reason: 'type float, but the plaintext is not a number' };
    }
    case 'bool':
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return { ok: true, value: true, type };
      if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return { ok: true, value: false, type };
      return { ok: false, reason: 'type bool, but the plaintext is not a boolean' };
    default:
      return { ok: false, reason: `unknown value type "${type}"` };
  }
}

/** Encrypt one value as sops does (used to write files in tests and by `berth`'s own checks). */
export function encryptValue(value: SopsScalar, key: Buffer, additionalData: string, iv: Buffer = randomBytes(IV_BYTES)): string {
  if (value === '') return '';
  const type = typeof value === 'string' ? 'str' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : 'float';
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(valueBytes(value)), cipher.final()]);
  const b64 = (b: Buffer) => b.toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(cipher.getAuthTag())},type:${type}]`;
}

/** sops' `ToBytes`: what a value contributes to the MAC (and a value's plaintext). */
export function valueBytes(value: SopsScalar): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False');
  return Buffer.from(formatNumber(value));
}

/** Go's strconv.Itoa / FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', expText] = m as unknown as [string, string, string, string | undefined, string];
  const digits = lead + frac;
  const point = 1 + Number(expText);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
