/**
 * Reading the plain JS values of a manifest without trusting their types. The documents
 * have passed the JSON Schemas, but the model must never crash on a value the schema let
 * through in an unexpected shape; these helpers turn a wrong type into the default.
 */
export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** A map of strings (labels, annotations, ConfigMap data); scalars are stringified, others dropped. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = String(val);
  }
  return out;
}

export function strList(v: unknown): string[] {
  return arr(v).filter((x): x is string => typeof x === 'string');
}

/** An int-or-string field. A string of digits is read as the number it spells. */
export function intOrString(v: unknown): number | string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') return /^[0-9]+$/.test(v) ? Number(v) : v;
  return undefined;
}
