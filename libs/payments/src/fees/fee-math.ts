/**
 * Fee math on integer minor units: basis points of an amount, rounded half-to-even to the
 * minor unit ("banker's rounding", so rounding errors do not drift one way over many
 * charges). Amounts are already minor units, so zero-decimal currencies (JPY, KRW) and
 * three-decimal ones (KWD) need nothing special. Integer arithmetic only: the product of an
 * amount and a rate is computed in BigInt, so it stays exact past 2^53.
 *
 * Pure and Nest-free: funding and contest use it through @foule/payments.
 */

const BPS_PER_WHOLE = 10_000n;

function assertAmount(amount: number, name = 'amount'): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`${name} must be a non-negative safe integer of minor units, got ${amount}`);
}

function assertBps(bps: number): void {
  if (!Number.isSafeInteger(bps) || bps < 0) throw new RangeError(`basis points must be a non-negative integer, got ${bps}`);
}

/** `numerator / denominator` rounded half-to-even; both non-negative, denominator positive. */
export function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder === denominator && quotient % 2n === 1n) return quotient + 1n;
  return quotient;
}

/** `bps` basis points (1/100 of a percent) of `amount` minor units, rounded half-to-even. */
export function basisPointsOf(amount: number, bps: number): number {
  assertAmount(amount);
  assertBps(bps);
  const result = divideHalfEven(BigInt(amount) * BigInt(bps), BPS_PER_WHOLE);
  if (result > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${bps} bps of ${amount} is not a safe integer`);
  return Number(result);
}

/**
 * A fee taken out of an amount (a campaign's platform fee from collected funds):
 * `fee + net === amount`, always.
 */
export function splitFee(amount: number, bps: number): { fee: number; net: number } {
  if (bps > 10_000) throw new RangeError(`a fee taken out of an amount cannot exceed 10000 bps, got ${bps}`);
  const fee = basisPointsOf(amount, bps);
  return { fee, net: amount - fee };
}

/**
 * A fee paid on top of an amount (a contest's fee, paid by the holder on top of the prize):
 * `total === amount + fee`.
 */
export function addFeeOnTop(amount: number, bps: number): { fee: number; total: number } {
  const fee = basisPointsOf(amount, bps);
  const total = amount + fee;
  if (!Number.isSafeInteger(total)) throw new RangeError(`${amount} plus its fee is not a safe integer`);
  return { fee, total };
}

/**
 * Splits an amount into `parts` shares that differ by at most one minor unit and sum to the
 * amount exactly; the first shares get the extra units (a prize split among finalists, in
 * the order the caller ranks them).
 */
export function splitEvenly(amount: number, parts: number): number[] {
  assertAmount(amount);
  if (!Number.isSafeInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const base = Math.floor(amount / parts);
  const extra = amount - base * parts;
  return Array.from({ length: parts }, (_, index) => base + (index < extra ? 1 : 0));
}
