import fc from 'fast-check';
import { splitFee } from '../../fees/fee-math';
import { checkEntry, type JournalEntryInput } from '../ledger-rules';
import { campaignPayoutEntry } from './campaign-entries';
import { payoutCreatedEntry, payoutFailedEntry, payoutPaidEntry, payoutReversedEntry } from './payout-entries';
import { pledgeCollectedEntry, pledgeIncrementCollectedEntry, pledgeIncrementRefundedEntry, pledgeRefundedEntry } from './pledge-entries';

const balanceOf = (entry: JournalEntryInput, account: string) =>
  entry.postings.filter((posting) => posting.account === account).reduce((sum, posting) => sum + posting.amount, 0);

describe('pledge entries', () => {
  const pledge = { pledgeId: 'pld_1', campaignId: 'cmp_1', money: { amount: 2_500, currency: 'EUR' } };

  it('collects a pledge from the provider into the campaign escrow', () => {
    const entry = pledgeCollectedEntry(pledge);
    expect(() => checkEntry(entry)).not.toThrow();
    expect(entry).toMatchObject({ kind: 'pledge.collected', reference: 'pld_1' });
    expect(balanceOf(entry, 'campaign:cmp_1:escrow')).toBe(2_500);
    expect(balanceOf(entry, 'external:stripe')).toBe(-2_500);
  });

  it('refunds exactly what collecting it put into escrow', () => {
    const collected = pledgeCollectedEntry(pledge);
    const refunded = pledgeRefundedEntry(pledge);
    expect(() => checkEntry(refunded)).not.toThrow();
    expect(refunded).toMatchObject({ kind: 'pledge.refunded', reference: 'pld_1' });
    for (const account of ['campaign:cmp_1:escrow', 'external:stripe'])
      expect(balanceOf(collected, account) + balanceOf(refunded, account)).toBe(0);
  });
});

describe('pledge over time entries', () => {
  const payment = { pledgeId: 'pld_1', campaignId: 'cmp_1', number: 2, money: { amount: 833, currency: 'EUR' } };

  it('collects each payment from the provider into the campaign escrow, named by its number', () => {
    const entry = pledgeIncrementCollectedEntry(payment);
    expect(() => checkEntry(entry)).not.toThrow();
    expect(entry).toMatchObject({ kind: 'pledge.increment_collected', reference: 'pld_1:increment:2' });
    expect(balanceOf(entry, 'campaign:cmp_1:escrow')).toBe(833);
    expect(balanceOf(entry, 'external:stripe')).toBe(-833);
  });

  it('refunds exactly what collecting the payment put into escrow', () => {
    const collected = pledgeIncrementCollectedEntry(payment);
    const refunded = pledgeIncrementRefundedEntry(payment);
    expect(() => checkEntry(refunded)).not.toThrow();
    for (const account of ['campaign:cmp_1:escrow', 'external:stripe'])
      expect(balanceOf(collected, account) + balanceOf(refunded, account)).toBe(0);
  });
});

describe('campaign payout entry', () => {
  it('empties escrow of the gross, the fee to platform:fees and the rest to the creator, for any amount and fee', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 10_000 }), (gross, bps) => {
        const { fee, net } = splitFee(gross, bps);
        const entry = campaignPayoutEntry({
          campaignId: 'cmp_1',
          creatorId: 'prf_1',
          gross: { amount: gross, currency: 'EUR' },
          fee,
        });
        checkEntry(entry);
        expect(balanceOf(entry, 'campaign:cmp_1:escrow')).toBe(-gross);
        expect(balanceOf(entry, 'platform:fees')).toBe(fee);
        expect(balanceOf(entry, 'profile:prf_1:payable')).toBe(net);
        // A zero part is left out rather than posted as zero.
        expect(entry.postings.every((posting) => posting.amount !== 0)).toBe(true);
      }),
    );
  });
});

describe('payout entries', () => {
  const payout = { payoutId: 'pay_1', recipientProfileId: 'prf_1', money: { amount: 9_500, currency: 'EUR' } };
  const net = (entries: JournalEntryInput[], account: string) =>
    entries.reduce((sum, entry) => sum + balanceOf(entry, account), 0);

  it('are balanced', () => {
    for (const entry of [
      payoutCreatedEntry(payout),
      payoutPaidEntry(payout),
      payoutReversedEntry(payout),
      payoutFailedEntry(payout),
    ])
      expect(() => checkEntry(entry)).not.toThrow();
  });

  it('a paid payout takes what was owed out through the provider, and leaves its own account empty', () => {
    const paid = [payoutCreatedEntry(payout), payoutPaidEntry(payout)];
    expect(net(paid, 'profile:prf_1:payable')).toBe(-9_500);
    expect(net(paid, 'external:stripe')).toBe(9_500);
    expect(net(paid, 'payout:pay_1')).toBe(0);
  });

  it('a failed or reversed payout is owed to the recipient again', () => {
    for (const undone of [
      [payoutCreatedEntry(payout), payoutFailedEntry(payout)],
      [payoutCreatedEntry(payout), payoutPaidEntry(payout), payoutReversedEntry(payout)],
    ]) {
      for (const account of ['profile:prf_1:payable', 'external:stripe', 'payout:pay_1']) expect(net(undone, account)).toBe(0);
    }
  });
});
