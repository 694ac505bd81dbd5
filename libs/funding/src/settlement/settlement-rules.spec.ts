import { payoutDueAt, payoutRunAt } from '../shared/payout-timing';
import { campaignPayoutKey, pledgeChargeKey, pledgeRefundKey, retryWindowOpen, settleWithConcurrency } from './settlement-rules';

describe('settlement rules', () => {
  it('derives provider keys from our ids and the attempt', () => {
    expect(pledgeChargeKey('pld_1', 0)).toBe('pledge:pld_1:charge:1');
    expect(pledgeChargeKey('pld_1', 2)).toBe('pledge:pld_1:charge:3');
    expect(() => pledgeChargeKey('pld_1', -1)).toThrow(RangeError);
    expect(pledgeRefundKey('pld_1')).toBe('pledge:pld_1:refund');
    expect(campaignPayoutKey('cmp_1', 1)).toBe('campaign:cmp_1:payout:1');
    expect(() => campaignPayoutKey('cmp_1', 0)).toThrow(RangeError);
  });

  it('the retry window is open strictly before its end', () => {
    const end = new Date('2026-01-01T00:00:10Z');
    expect(retryWindowOpen(new Date('2026-01-01T00:00:09.999Z'), end)).toBe(true);
    expect(retryWindowOpen(end, end)).toBe(false);
    expect(retryWindowOpen(new Date(), null)).toBe(false);
  });

  it('a payout is due the delay after the campaign ended, and runs no earlier than now', () => {
    const endedAt = new Date('2026-01-01T00:00:00Z');
    const due = payoutDueAt(endedAt, 90);
    expect(due.getTime() - endedAt.getTime()).toBe(90_000);
    expect(payoutDueAt(endedAt, 0).getTime()).toBe(endedAt.getTime());
    const before = new Date(due.getTime() - 1);
    const after = new Date(due.getTime() + 1);
    expect(payoutRunAt(endedAt, 90, before).getTime()).toBe(due.getTime());
    expect(payoutRunAt(endedAt, 90, after).getTime()).toBe(after.getTime());
  });

  it('settleWithConcurrency keeps order, bounds concurrency and settles every item', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await settleWithConcurrency([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (n % 3) * 2));
      inFlight--;
      if (n === 4) throw new Error('four');
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 30, 'four', 50, 60, 70, 80, 90, 100]);
    expect(await settleWithConcurrency([], 8, async () => 1)).toEqual([]);
    await expect(settleWithConcurrency([1], 0, async () => 1)).rejects.toThrow(RangeError);
  });
});
