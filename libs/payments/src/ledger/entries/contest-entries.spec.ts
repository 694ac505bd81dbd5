import { checkEntry } from '../ledger-rules';
import { contestOpenedEntry, contestRefundedEntry, prizeAwardedEntry, prizeSplitEntry } from './contest-entries';

const money = { contestId: 'ctt_1', prize: 50_000, fee: 5_000, currency: 'EUR' };

describe('contest journal entries', () => {
  it('opening: the card pays prize and fee, the prize is held in escrow, the fee booked to platform:fees', () => {
    const entry = contestOpenedEntry(money);
    expect(entry).toEqual({
      kind: 'contest.opened',
      reference: 'ctt_1',
      postings: [
        { account: 'external:stripe', amount: -55_000, currency: 'EUR' },
        { account: 'contest:ctt_1:escrow', amount: 50_000, currency: 'EUR' },
        { account: 'platform:fees', amount: 5_000, currency: 'EUR' },
      ],
    });
    expect(() => checkEntry(entry)).not.toThrow();
  });

  it('opening without a fee posts nothing to platform:fees', () => {
    expect(contestOpenedEntry({ ...money, fee: 0 }).postings.map((p) => p.account)).toEqual(['external:stripe', 'contest:ctt_1:escrow']);
  });

  it('refund: reverses both prize and fee', () => {
    const entry = contestRefundedEntry(money);
    expect(entry).toEqual({
      kind: 'contest.refunded',
      reference: 'ctt_1',
      postings: [
        { account: 'external:stripe', amount: 55_000, currency: 'EUR' },
        { account: 'contest:ctt_1:escrow', amount: -50_000, currency: 'EUR' },
        { account: 'platform:fees', amount: -5_000, currency: 'EUR' },
      ],
    });
    expect(() => checkEntry(entry)).not.toThrow();
  });

  it('award: the whole escrow to the winner payable', () => {
    expect(prizeAwardedEntry({ contestId: 'ctt_1', winnerId: 'prf_w', prize: 50_000, currency: 'EUR' })).toEqual({
      kind: 'contest.prize_awarded',
      reference: 'ctt_1',
      postings: [
        { account: 'contest:ctt_1:escrow', amount: -50_000, currency: 'EUR' },
        { account: 'profile:prf_w:payable', amount: 50_000, currency: 'EUR' },
      ],
    });
  });

  it('split: the escrow to each designer share, balanced with odd minor units', () => {
    const entry = prizeSplitEntry({
      contestId: 'ctt_1',
      currency: 'EUR',
      shares: [
        { profileId: 'prf_a', amount: 3_334 },
        { profileId: 'prf_b', amount: 3_333 },
        { profileId: 'prf_c', amount: 3_333 },
      ],
    });
    expect(entry.kind).toBe('contest.prize_split');
    expect(entry.postings).toEqual([
      { account: 'contest:ctt_1:escrow', amount: -10_000, currency: 'EUR' },
      { account: 'profile:prf_a:payable', amount: 3_334, currency: 'EUR' },
      { account: 'profile:prf_b:payable', amount: 3_333, currency: 'EUR' },
      { account: 'profile:prf_c:payable', amount: 3_333, currency: 'EUR' },
    ]);
    expect(() => checkEntry(entry)).not.toThrow();
  });

  it('refuses empty or non-positive amounts', () => {
    expect(() => contestOpenedEntry({ ...money, prize: 0 })).toThrow(RangeError);
    expect(() => contestOpenedEntry({ ...money, fee: -1 })).toThrow(RangeError);
    expect(() => prizeSplitEntry({ contestId: 'ctt_1', currency: 'EUR', shares: [] })).toThrow(RangeError);
    expect(() => prizeSplitEntry({ contestId: 'ctt_1', currency: 'EUR', shares: [{ profileId: 'prf_a', amount: 0 }] })).toThrow(RangeError);
  });
});
