/**
 * ajv's errors -> issues a person can act on: one sentence per location, pointing at the key
 * of an unknown field, at the value of a wrong one, at the parent of a missing one.
 * Pure: no file positions here (index.ts asks the document for those).
 */
import type { ErrorObject } from 'ajv';
import type { PathSegment } from '../manifests';
import { fieldPath } from '../util';
import { didYouMean } from './hints';

export interface SchemaIssue {
  /** The field the issue is about (shown to the person). */
  path: PathSegment[];
  /** Where to point in the file: usually `path`; the parent for a missing field. */
  at: { path: PathSegment[]; part: 'key' | 'value' };
  message: string;
  /** `schema.unknown-field`, `schema.required`, `schema.type`, `schema.enum`, ... */
  code: string;
}

type Schema = Record<string, unknown>;

/** Keywords whose own message is better than a schema's `x-message`. */
const OWN_MESSAGE = new Set(['type', 'additionalProperties', 'unevaluatedProperties', 'propertyNames']);
/** Keywords whose sub-schemas' errors are noise once the keyword itself has failed. */
const COMBINATORS = new Set(['anyOf', 'oneOf', 'not']);

const CODES: Record<string, string> = {
  additionalProperties: 'schema.unknown-field',
  unevaluatedProperties: 'schema.unknown-field',
  required: 'schema.required',
  type: 'schema.type',
  enum: 'schema.enum',
  const: 'schema.enum',
  pattern: 'schema.pattern',
  propertyNames: 'schema.pattern',
  format: 'schema.format',
  anyOf: 'schema.format',
  minimum: 'schema.range',
  maximum: 'schema.range',
  exclusiveMinimum: 'schema.range',
  exclusiveMaximum: 'schema.range',
  minLength: 'schema.length',
  maxLength: 'schema.length',
  minItems: 'schema.items',
  maxItems: 'schema.items',
  oneOf: 'schema.one-of',
  not: 'schema.one-of',
  maxProperties: 'schema.one-of',
};

/** Whether the value at a path must not be quoted back (a Secret's data). */
export type IsSecret = (body: unknown, path: readonly PathSegment[]) => boolean;

export function translateErrors(errors: readonly ErrorObject[], body: unknown, isSecret: IsSecret = () => false): SchemaIssue[] {
  const kept = errors.filter((e) => e.keyword !== 'if' && !isCovered(e, errors));
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const issue = toIssue(e, errors, body, isSecret);
    const key = `${fieldPath(issue.path)}\n${issue.message}`;
    if (seen.has(key)) continue; // e.g. a name both too long and badly formed: one sentence
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/**
 * An error inside a failed anyOf/oneOf/not speaks through that keyword (the schemas keep
 * their branches inline, so the branch's schemaPath extends the keyword's), and an error
 * about one key of a mapping (`propertyName` set) through its propertyNames error.
 */
function isCovered(e: ErrorObject, all: readonly ErrorObject[]): boolean {
  if (e.propertyName !== undefined) return true;
  return all.some(
    (c) =>
      c !== e &&
      COMBINATORS.has(c.keyword) &&
      e.schemaPath.startsWith(`${c.schemaPath}/`) &&
      (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)),
  );
}

function toIssue(e: ErrorObject, all: readonly ErrorObject[], body: unknown, isSecret: IsSecret): SchemaIssue {
  const path = pointerToPath(e.instancePath, body);
  const code = CODES[e.keyword] ?? 'schema.invalid';
  const custom = OWN_MESSAGE.has(e.keyword) ? undefined : xMessage(e.parentSchema);
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const field = String(e.params.additionalProperty ?? e.params.unevaluatedProperty);
      const allowed = Object.keys(((e.parentSchema as Schema | undefined)?.properties as Schema | undefined) ?? {});
      const child = [...path, field];
      return { path: child, at: { path: child, part: 'key' }, code, message: `unknown field "${field}"${didYouMean(field, allowed)}` };
    }
    case 'required': {
      const child = [...path, String(e.params.missingProperty)];
      return { path: child, at: { path, part: 'key' }, code, message: custom ?? 'is required' };
    }
    case 'propertyNames': {
      const key = [...path, String(e.params.propertyName)];
      const inner = all.find((c) => c.propertyName === e.params.propertyName && c.instancePath === e.instancePath && xMessage(c.parentSchema));
      const message = (inner && xMessage(inner.parentSchema)) ?? 'is not a valid key';
      return { path: key, at: { path: key, part: 'key' }, code, message };
    }
    default: {
      // A scalar is shown where it stands; a whole mapping or list by the key that opens it.
      const part = e.data !== null && typeof e.data === 'object' ? 'key' : 'value';
      const secret = isSecret(body, path);
      const quoted = part === 'value' && !secret ? `invalid value ${quote(e.data)}: ` : '';
      // A Secret's value is not repeated in any form ("quote it: ..." would echo it too).
      return { path, at: { path, part }, code, message: quoted + (custom ?? genericMessage(secret ? { ...e, data: undefined } : e)) };
    }
  }
}

const QUOTE_MAX = 80;

/** The bad value as the person wrote it (strings in double quotes), cut when long. */
function quote(v: unknown): string {
  const shown = String(JSON.stringify(v));
  return shown.length > QUOTE_MAX ? `${shown.slice(0, QUOTE_MAX - 4)}..."` : shown;
}

function xMessage(schema: unknown): string | undefined {
  const m = (schema as Schema | undefined)?.['x-message'];
  return typeof m === 'string' ? m : undefined;
}

function genericMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return typeMessage(String(p.type), e.data);
    case 'enum':
      return enumMessage(p.allowedValues as unknown[], e.data);
    case 'const':
      return `must be ${show(p.allowedValue)}`;
    case 'format':
      return p.format === 'byte' ? 'must be base64-encoded (standard alphabet, padded with =)' : `must be a valid ${String(p.format)}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`;
    case 'minItems':
      return p.limit === 1 ? 'must have at least one item' : `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'pattern':
      return `must match the pattern ${String(p.pattern)}`;
    default:
      return e.message ?? 'is not valid';
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  null: 'null',
};

function typeMessage(expected: string, data: unknown): string {
  const names = expected.split(',').map((t) => TYPE_NAMES[t] ?? t);
  const base = `must be ${names.join(' or ')}`;
  if (expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')) {
    return `${base} (quote it: "${String(data)}")`;
  }
  if ((expected === 'integer' || expected === 'number') && typeof data === 'string' && /^-?[0-9]+(\.[0-9]+)?$/.test(data)) {
    return `${base} (remove the quotes)`;
  }
  if (expected === 'integer' && typeof data === 'number') return `${base}, not ${data}`;
  return base;
}

function enumMessage(allowed: unknown[], data: unknown): string {
  const list = allowed.map((v) => (v === '' ? '""' : String(v)));
  const hint =
    typeof data === 'string'
      ? didYouMean(
          data,
          allowed.filter((v): v is string => typeof v === 'string' && v !== ''),
        )
      : '';
  return (list.length === 1 ? `must be ${list[0]}` : `must be one of ${list.join(', ')}`) + hint;
}

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : JSON.stringify(v);
}

/** `/spec/containers/0/image` -> ['spec', 'containers', 0, 'image'], numbers only where `body` has a list. */
export function pointerToPath(pointer: string, body: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = body;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(token);
      out.push(index);
      node = node[index];
    } else {
      out.push(token);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return out;
}
