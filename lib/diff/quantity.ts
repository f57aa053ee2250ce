/**
 * Kubernetes resource quantities (`500m`, `0.5`, `1Gi`, `1e3`): parsed to an exact rational so that
 * equal amounts written differently compare equal, as the API server canonicalizes them on write.
 */
const BINARY_SUFFIXES: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** An exact value `numerator / denominator`. */
interface Rational {
  numerator: bigint;
  denominator: bigint;
}

export function parseQuantity(text: string): Rational | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', digits = '', suffix = ''] = match;
  const [whole = '', fraction = ''] = digits.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}`) * (sign === '-' ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  const binary = BINARY_SUFFIXES[suffix];
  if (binary !== undefined) return { numerator: numerator * binary, denominator };
  const exponent = /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL_EXPONENTS[suffix];
  if (exponent === undefined) return undefined;
  if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return { numerator, denominator };
}

/** True when both values are quantities of the same amount (`0.5` = `500m`, `1Gi` = `1073741824`). */
export function quantitiesEqual(a: unknown, b: unknown): boolean {
  if (!isQuantityLike(a) || !isQuantityLike(b)) return false;
  const left = parseQuantity(String(a));
  const right = parseQuantity(String(b));
  if (!left || !right) return false;
  return left.numerator * right.denominator === right.numerator * left.denominator;
}

function isQuantityLike(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
