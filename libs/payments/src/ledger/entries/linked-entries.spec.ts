import fc from 'fast-check';
import { checkEntry, type JournalEntryInput } from '../ledger-rules';
import { campaignPayoutEntry, creatorPartOf } from './campaign-entries';
import { contestFundedFromCampaignEntry, contestReturnedToCampaignEntry, contestReturnedToCreatorEntry, royaltyPaidEntry } from './linked-entries';

const balanceOf = (entries: JournalEntryInput[], account: string) =>
  entries.flatMap((entry) => entry.postings).filter((posting) => posting.account === account).reduce((sum, posting) => sum + posting.amount, 0);

const money = { campaignId: 'cmp_1', contestId: 'ctt_1', prize: 30_000, fee: 3_000, currency: 'EUR' };

describe('campaign-linked contest entries', () => {
  it('funding: prize and fee out of the campaign escrow, prize into the contest escrow, fee to the platform', () => {
    const entry = contestFundedFromCampaignEntry(money);
    checkEntry(entry);
    expect(entry).toEqual({
      kind: 'contest.funded_from_campaign',
      reference: 'ctt_1',
      postings: [
        { account: 'campaign:cmp_1:escrow', amount: -33_000, currency: 'EUR' },
        { account: 'contest:ctt_1:escrow', amount: 30_000, currency: 'EUR' },
        { account: 'platform:fees', amount: 3_000, currency: 'EUR' },
      ],
    });
  });

  it('returned to the campaign: the exact reverse', () => {
    const both = [contestFundedFromCampaignEntry(money), contestReturnedToCampaignEntry(money)];
    for (const entry of both) checkEntry(entry);
    for (const account of ['campaign:cmp_1:escrow', 'contest:ctt_1:escrow', 'platform:fees']) expect(balanceOf(both, account)).toBe(0);
  });

  it('returned to the creator: the contest escrow empty, the fee given back, prize and fee owed to the creator', () => {
    const entries = [contestFundedFromCampaignEntry(money), contestReturnedToCreatorEntry({ ...money, creatorId: 'prf_c' })];
    for (const entry of entries) checkEntry(entry);
    expect(balanceOf(entries, 'contest:ctt_1:escrow')).toBe(0);
    expect(balanceOf(entries, 'platform:fees')).toBe(0);
    expect(balanceOf(entries, 'profile:prf_c:payable')).toBe(33_000);
    expect(balanceOf(entries, 'campaign:cmp_1:escrow')).toBe(-33_000);
  });

  it('a zero fee posts nothing to platform:fees; amounts must be whole and positive', () => {
    expect(contestFundedFromCampaignEntry({ ...money, fee: 0 }).postings.map((p) => p.account)).toEqual(['campaign:cmp_1:escrow', 'contest:ctt_1:escrow']);
    expect(() => contestFundedFromCampaignEntry({ ...money, prize: 0 })).toThrow(RangeError);
    expect(() => contestFundedFromCampaignEntry({ ...money, fee: -1 })).toThrow(RangeError);
    expect(() => royaltyPaidEntry({ campaignId: 'cmp_1', contestId: 'ctt_1', designerId: 'prf_d', money: { amount: 0, currency: 'EUR' } })).toThrow(RangeError);
  });

  it('royalty: out of the campaign escrow into the designer payable', () => {
    const entry = royaltyPaidEntry({ campaignId: 'cmp_1', contestId: 'ctt_1', designerId: 'prf_d', money: { amount: 1_234, currency: 'EUR' } });
    checkEntry(entry);
    expect(entry.kind).toBe('campaign.royalty_paid');
    expect(balanceOf([entry], 'profile:prf_d:payable')).toBe(1_234);
    expect(balanceOf([entry], 'campaign:cmp_1:escrow')).toBe(-1_234);
  });

  it('the campaign payout with deductions, withheld and released royalty balances and gives the creator the rest', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (gross, fee, deducted, withheld, released) => {
          const movement = { campaignId: 'cmp_1', creatorId: 'prf_c', gross: { amount: gross, currency: 'EUR' }, fee, deducted, withheld, released };
          if (gross - fee - deducted - withheld + released < 0) {
            expect(() => creatorPartOf(movement)).toThrow(RangeError);
            return;
          }
          if (fee + creatorPartOf(movement) === 0) return;
          const entry = campaignPayoutEntry(movement);
          checkEntry(entry);
          expect(balanceOf([entry], 'campaign:cmp_1:escrow')).toBe(-(gross - deducted - withheld + released));
          expect(balanceOf([entry], 'platform:fees')).toBe(fee);
          expect(balanceOf([entry], 'profile:prf_c:payable')).toBe(gross - fee - deducted - withheld + released);
        },
      ),
    );
  });
});
