import fc from 'fast-check';
import { addFeeOnTop, basisPointsOf, divideHalfEven, splitEvenly, splitFee } from './fee-math';

describe('fee math', () => {
  describe('divideHalfEven', () => {
    it.each([
      [5n, 2n, 2n], // 2.5 -> 2 (even)
      [7n, 2n, 4n], // 3.5 -> 4 (even)
      [9n, 2n, 4n], // 4.5 -> 4
      [11n, 2n, 6n], // 5.5 -> 6
      [14n, 10n, 1n], // 1.4 -> 1
      [16n, 10n, 2n], // 1.6 -> 2
      [0n, 7n, 0n],
      [10n, 5n, 2n], // exact
    ])('%p / %p = %p', (numerator, denominator, expected) => {
      expect(divideHalfEven(numerator, denominator)).toBe(expected);
    });
  });

  describe('basisPointsOf', () => {
    it.each([
      // amount, bps, expected: hand-computed
      [10_000, 500, 500], // 5% of 100.00
      [1_000, 500, 50],
      [1, 500, 0], // 0.05 -> 0
      [10, 500, 0], // 0.5 -> 0 (half to even)
      [30, 500, 2], // 1.5 -> 2 (half to even)
      [50, 500, 2], // 2.5 -> 2 (half to even)
      [70, 500, 4], // 3.5 -> 4
      [11, 500, 1], // 0.55 -> 1
      [9, 500, 0], // 0.45 -> 0
      [99_999_999, 500, 5_000_000], // 4999999.95 -> 5000000
      [99_999_999, 1000, 10_000_000], // 9999999.9 -> 10000000
      [12_345, 250, 309], // 308.625 -> 309
      [12_345, 0, 0],
      [12_345, 10_000, 12_345],
      [0, 500, 0],
    ])('%p minor units at %p bps = %p', (amount, bps, expected) => {
      expect(basisPointsOf(amount, bps)).toBe(expected);
    });

    it('works on zero-decimal currencies, whose amounts are already minor units (JPY, KRW)', () => {
      // 5% of ¥1,234 is ¥61.7 -> ¥62; 10% of ₩15,005 is ₩1,500.5 -> ₩1,500 (half to even)
      expect(basisPointsOf(1_234, 500)).toBe(62);
      expect(basisPointsOf(15_005, 1_000)).toBe(1_500);
      expect(basisPointsOf(15_015, 1_000)).toBe(1_502); // 1501.5 -> 1502
    });

    it('stays exact where amount * bps passes 2^53', () => {
      const amount = Number.MAX_SAFE_INTEGER; // 9007199254740991
      // 9007199254740991 * 333 = 2999397351828750003; / 10000 = 299939735182875.0003 -> 299939735182875
      expect(basisPointsOf(amount, 333)).toBe(299_939_735_182_875);
      expect(basisPointsOf(amount, 5000)).toBe(4_503_599_627_370_496); // 4503599627370495.5 -> ...496 (even)
    });

    it('refuses negative, fractional and unsafe amounts and rates', () => {
      expect(() => basisPointsOf(-1, 500)).toThrow(RangeError);
      expect(() => basisPointsOf(1.5, 500)).toThrow(RangeError);
      expect(() => basisPointsOf(Number.MAX_SAFE_INTEGER + 1, 500)).toThrow(RangeError);
      expect(() => basisPointsOf(100, -1)).toThrow(RangeError);
      expect(() => basisPointsOf(100, 2.5)).toThrow(RangeError);
    });

    it('matches exact rational rounding half-to-even (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
          const fee = BigInt(basisPointsOf(amount, bps));
          const exact = BigInt(amount) * BigInt(bps); // fee * 10000 should be within 5000 of this
          const distance = exact - fee * 10_000n;
          expect(distance >= -5_000n && distance <= 5_000n).toBe(true);
          if (distance === 5_000n || distance === -5_000n) expect(fee % 2n).toBe(0n);
        }),
      );
    });

    it('is monotonic in the amount (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 10_000 }), (a, delta, bps) => {
          expect(basisPointsOf(a + delta, bps)).toBeGreaterThanOrEqual(basisPointsOf(a, bps));
        }),
      );
    });
  });

  describe('splitFee', () => {
    it('splits an amount into fee and net', () => {
      expect(splitFee(10_000, 500)).toEqual({ fee: 500, net: 9_500 });
      expect(splitFee(50, 500)).toEqual({ fee: 2, net: 48 });
      expect(splitFee(0, 500)).toEqual({ fee: 0, net: 0 });
      expect(splitFee(777, 10_000)).toEqual({ fee: 777, net: 0 });
    });

    it('refuses a fee above 100%', () => {
      expect(() => splitFee(100, 10_001)).toThrow(RangeError);
    });

    it('always has fee + net === amount, both non-negative integers (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
          const { fee, net } = splitFee(amount, bps);
          expect(Number.isSafeInteger(fee) && Number.isSafeInteger(net)).toBe(true);
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(net).toBeGreaterThanOrEqual(0);
          expect(fee + net).toBe(amount);
        }),
      );
    });
  });

  describe('addFeeOnTop', () => {
    it('adds the fee to the amount', () => {
      expect(addFeeOnTop(50_000, 1_000)).toEqual({ fee: 5_000, total: 55_000 });
      expect(addFeeOnTop(15, 1_000)).toEqual({ fee: 2, total: 17 }); // 1.5 -> 2
      expect(addFeeOnTop(25, 1_000)).toEqual({ fee: 2, total: 27 }); // 2.5 -> 2
    });

    it('refuses a total past the safe integers', () => {
      expect(() => addFeeOnTop(Number.MAX_SAFE_INTEGER, 1_000)).toThrow(RangeError);
    });
  });

  describe('splitEvenly', () => {
    it('gives the first shares the extra minor units', () => {
      expect(splitEvenly(100, 3)).toEqual([34, 33, 33]);
      expect(splitEvenly(101, 3)).toEqual([34, 34, 33]);
      expect(splitEvenly(2, 3)).toEqual([1, 1, 0]);
      expect(splitEvenly(0, 2)).toEqual([0, 0]);
      expect(splitEvenly(500, 1)).toEqual([500]);
    });

    it('refuses zero parts', () => {
      expect(() => splitEvenly(100, 0)).toThrow(RangeError);
    });

    it('sums to the amount with shares at most one unit apart (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 50 }), (amount, parts) => {
          const shares = splitEvenly(amount, parts);
          expect(shares).toHaveLength(parts);
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(amount);
          expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        }),
      );
    });
  });
});
