import { PLEDGE_STATUSES } from './pledge-status.machine';
import {
  campaignPaymentTermsProblems,
  incrementChargeKey,
  latePledgeMinimumProblem,
  incrementDueAt,
  incrementRefundKey,
  latePledgesUntil,
  payInFullIncrementState,
  pledgeOverTimeProblems,
  splitIntoIncrements,
  tierMinimumFor,
} from './payment-plan';

describe('splitIntoIncrements', () => {
  it('splits into equal parts, the leftover minor units in the first', () => {
    expect(splitIntoIncrements(1000, 3)).toEqual([334, 333, 333]);
    expect(splitIntoIncrements(1001, 3)).toEqual([335, 333, 333]);
    expect(splitIntoIncrements(999, 3)).toEqual([333, 333, 333]);
    expect(splitIntoIncrements(12, 12)).toEqual(Array(12).fill(1));
  });

  // Exhaustive over every amount up to 600 and every allowed count (2-12): the parts sum to the
  // amount, all but the first are equal, and the first carries less than one more part.
  it('always sums to the amount, for every amount and count', () => {
    for (let count = 2; count <= 12; count++) {
      for (let amount = count; amount <= 600; amount++) {
        const parts = splitIntoIncrements(amount, count);
        expect(parts).toHaveLength(count);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
        const rest = parts.slice(1);
        expect(new Set(rest).size).toBe(1);
        expect(parts[0] - rest[0]).toBeGreaterThanOrEqual(0);
        expect(parts[0] - rest[0]).toBeLessThan(count);
        expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('works at the largest safe amounts', () => {
    const parts = splitIntoIncrements(Number.MAX_SAFE_INTEGER, 3);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses amounts it cannot split into positive integers', () => {
    expect(() => splitIntoIncrements(2, 3)).toThrow(RangeError);
    expect(() => splitIntoIncrements(10.5, 3)).toThrow(RangeError);
    expect(() => splitIntoIncrements(10, 0)).toThrow(RangeError);
  });
});

describe('payment keys and dates', () => {
  it('derives the provider keys from the pledge, the payment and the attempt', () => {
    expect(incrementChargeKey('pld_1', 2, 0)).toBe('pledge:pld_1:increment:2:charge:1');
    expect(incrementChargeKey('pld_1', 2, 1)).toBe('pledge:pld_1:increment:2:charge:2');
    expect(incrementRefundKey('pld_1', 3)).toBe('pledge:pld_1:increment:3:refund');
    expect(() => incrementChargeKey('pld_1', 0, 0)).toThrow(RangeError);
    expect(() => incrementChargeKey('pld_1', 1, -1)).toThrow(RangeError);
  });

  it('puts each payment one interval after the previous one', () => {
    const first = new Date('2026-01-01T00:00:00Z');
    expect(incrementDueAt(first, 1, 60)).toEqual(first);
    expect(incrementDueAt(first, 3, 60)).toEqual(new Date('2026-01-01T00:02:00Z'));
  });
});

describe('pledgeOverTimeProblems', () => {
  const rules = { increments: 3, minimumPayment: 50 };
  it('refuses a campaign that does not offer it', () => {
    expect(pledgeOverTimeProblems(5000, { pledgeOverTime: false, pledgeOverTimeMinimum: null }, rules)).toEqual([
      { path: 'paymentPlan', message: expect.stringContaining('does not offer') },
    ]);
  });
  it('refuses an amount below the minimum, saying by how much', () => {
    expect(pledgeOverTimeProblems(4000, { pledgeOverTime: true, pledgeOverTimeMinimum: 5000 }, rules)).toEqual([
      { path: 'amount', message: expect.stringContaining('1000 short') },
    ]);
  });
  it('refuses an amount too small for every payment to be charged', () => {
    expect(pledgeOverTimeProblems(149, { pledgeOverTime: true, pledgeOverTimeMinimum: null }, rules)).toHaveLength(1);
    expect(pledgeOverTimeProblems(150, { pledgeOverTime: true, pledgeOverTimeMinimum: null }, rules)).toEqual([]);
    expect(pledgeOverTimeProblems(5000, { pledgeOverTime: true, pledgeOverTimeMinimum: 5000 }, rules)).toEqual([]);
  });
});

describe('a pay-in-full pledge as its single payment', () => {
  it.each(PLEDGE_STATUSES)('%s', (status) => {
    const expected = { PENDING: 'SCHEDULED', COLLECTED: 'COLLECTED', PAYMENT_FAILED: 'FAILED', DROPPED: 'CANCELED', CANCELED: 'CANCELED', REFUNDED: 'REFUNDED' }[status];
    expect(payInFullIncrementState(status)).toBe(expected);
  });
});

describe('late pledges', () => {
  const endedAt = new Date('2026-01-01T00:00:00Z');
  it('are taken latePledgeDays after a successful end', () => {
    expect(latePledgesUntil({ status: 'SUCCESSFUL', endedAt, latePledgeDays: 2 })).toEqual(new Date('2026-01-03T00:00:00Z'));
  });
  it('are never taken after a failure, or without days', () => {
    expect(latePledgesUntil({ status: 'FAILED', endedAt, latePledgeDays: 2 })).toBeNull();
    expect(latePledgesUntil({ status: 'SUCCESSFUL', endedAt, latePledgeDays: 0 })).toBeNull();
    expect(latePledgesUntil({ status: 'LIVE', endedAt: null, latePledgeDays: 5 })).toBeNull();
  });
  it("ask a tier's latePledgeMinimum, never less than its minimum", () => {
    expect(tierMinimumFor({ minimum: 1000, latePledgeMinimum: 1500 }, true)).toBe(1500);
    expect(tierMinimumFor({ minimum: 1000, latePledgeMinimum: 1500 }, false)).toBe(1000);
    expect(tierMinimumFor({ minimum: 1000, latePledgeMinimum: null }, true)).toBe(1000);
    expect(tierMinimumFor({ minimum: 1000, latePledgeMinimum: 500 }, true)).toBe(1000);
  });
});

describe('campaign payment terms', () => {
  it.each([
    [{ latePledgeDays: 0 }, []],
    [{ latePledgeDays: 60 }, []],
    [{ latePledgeDays: null }, []],
    [{ latePledgeDays: 61 }, ['latePledgeDays']],
    [{ latePledgeDays: -1 }, ['latePledgeDays']],
    [{ pledgeOverTimeMinimum: 0 }, []],
    [{ pledgeOverTimeMinimum: 5000 }, []],
    [{ pledgeOverTimeMinimum: -5 }, ['pledgeOverTimeMinimum']],
    [{ pledgeOverTimeMinimum: -5, latePledgeDays: 90 }, ['pledgeOverTimeMinimum', 'latePledgeDays']],
  ])('%j -> %j', (input, paths) => {
    expect(campaignPaymentTermsProblems(input).map((problem) => problem.path)).toEqual(paths);
  });

  it("a tier's late-pledge minimum is at least its minimum", () => {
    expect(latePledgeMinimumProblem(1000, null)).toBeNull();
    expect(latePledgeMinimumProblem(1000, 1000)).toBeNull();
    expect(latePledgeMinimumProblem(1000, 999)?.path).toBe('latePledgeMinimum');
  });
});
