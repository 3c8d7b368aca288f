/**
 * Kubernetes resource quantities (`64Mi`, `1G`, `129e6`, `1.5Gi`, `500m`) converted exactly,
 * with BigInt arithmetic so `4.1k` is 4100 and not 4099.999..., into what Docker wants:
 * bytes for memory and storage, nano-CPUs for CPU. A fractional result rounds up, as
 * Kubernetes' `Quantity.Value()` does.
 */
export type QuantityResult = { ok: true; value: number } | { ok: false; reason: string };

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]+))?$/;

/** Exact rational value num / den of a quantity string, scaled by 10^scale10. */
function parseExact(text: string, scale10: number): { num: bigint; den: bigint } | string {
  const m = QUANTITY.exec(text.trim());
  if (!m) return `"${text}" is not a quantity (like 128Mi, 1G, 0.5 or 500m)`;
  const [, sign, mantissa, suffix = '', exponent] = m;
  if (sign === '-') return `"${text}" is negative`;
  const [intPart, fracPart = ''] = mantissa.split('.');
  let num = BigInt((intPart || '0') + fracPart);
  let exp10 = scale10 - fracPart.length;
  if (exponent !== undefined) {
    const e = Number(exponent);
    if (Math.abs(e) > 60) return `"${text}" is out of range`;
    exp10 += e;
  } else if (suffix in BINARY) {
    num *= BINARY[suffix];
  } else {
    exp10 += DECIMAL[suffix];
  }
  if (exp10 >= 0) return { num: num * 10n ** BigInt(exp10), den: 1n };
  return { num, den: 10n ** BigInt(-exp10) };
}

function toNumber(text: string, scale10: number): QuantityResult {
  const exact = parseExact(text, scale10);
  if (typeof exact === 'string') return { ok: false, reason: exact };
  const rounded = (exact.num + exact.den - 1n) / exact.den; // ceiling; num >= 0
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: `"${text}" is too large` };
  return { ok: true, value: Number(rounded) };
}

function asText(q: string | number): string {
  return typeof q === 'number' ? String(q) : q;
}

/** Memory or storage quantity in bytes: `64Mi` -> 67108864, `1G` -> 1e9, `129e6` -> 129000000. */
export function parseBytes(q: string | number): QuantityResult {
  return toNumber(asText(q), 0);
}

/** CPU quantity in Docker NanoCpus: `500m` -> 500_000_000, `2` -> 2_000_000_000. */
export function parseNanoCpus(q: string | number): QuantityResult {
  return toNumber(asText(q), 9);
}
