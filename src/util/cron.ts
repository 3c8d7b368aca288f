/*
 * A strict check of cron expressions before node-cron sees them: node-cron 4.2 accepts
 * expressions with too many fields and unknown names, and `*\/0` in a field makes it loop
 * until the process runs out of memory. Syntax: 5 fields (minute hour day month weekday)
 * or 6 (second first); each field a comma list of `*`, `n`, `a-b`, optionally `/step`.
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

function value(text: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max ? n : `${text} is outside ${spec.min}-${spec.max}`;
  }
  const idx = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (idx >= 0) return spec.names === MONTHS ? idx + 1 : idx;
  return `"${text}" is not a number${spec.names ? ' or a name' : ''}`;
}

function itemProblem(item: string, spec: FieldSpec): string | undefined {
  const [range, step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= spec.max + 1)) {
    return `step "${step}" must be a whole number from 1 to ${spec.max + 1}`;
  }
  if (range === '*') return undefined;
  const bounds = (range ?? '').split('-');
  if (bounds.length > 2 || bounds.some((b) => b === '')) return `"${range}" is not a value or a range`;
  const values = bounds.map((b) => value(b, spec));
  const bad = values.find((v) => typeof v === 'string');
  if (bad !== undefined) return bad as string;
  if (values.length === 2 && (values[0] as number) > (values[1] as number)) return `range "${range}" is backwards`;
  return undefined;
}

/** Why `expr` is not an acceptable schedule, or undefined when it is. */
export function cronProblem(expr: string): string | undefined {
  if (typeof expr !== 'string') return 'not a string';
  const parts = expr.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== 5 && parts.length !== 6) return `expected 5 or 6 fields, got ${parts.length}`;
  const specs = parts.length === 6 ? FIELDS : FIELDS.slice(1);
  for (let i = 0; i < parts.length; i++) {
    for (const item of parts[i]!.split(',')) {
      const problem = itemProblem(item, specs[i]!);
      if (problem) return `field ${i + 1} (${specs[i]!.name}): ${problem}`;
    }
  }
  return undefined;
}
