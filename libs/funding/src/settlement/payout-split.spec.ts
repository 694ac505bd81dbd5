import fc from 'fast-check';
import { movesMoney, payoutSplit, royaltyOf, type RoyaltyOutcome, type RoyaltyState } from './payout-split';

const royalty = (over: Partial<RoyaltyState> = {}): RoyaltyState => ({ contestId: 'ctt_1', bps: 1000, accrued: 0, settled: 0, outcome: 'PENDING', winnerId: null, ...over });

describe('royaltyOf: basis points of a running total, rounded half-even', () => {
  it.each([
    [10_000, 1000, 1000],
    [5, 1000, 0], // 0.5 -> 0 (even)
    [15, 1000, 2], // 1.5 -> 2 (even)
    [25, 1000, 2], // 2.5 -> 2
    [35, 1000, 4], // 3.5 -> 4
    [26, 1000, 3], // 2.6 -> 3
    [1, 3000, 0], // 0.3 -> 0
    [2, 2500, 0], // 0.5 -> 0
    [6, 2500, 2], // 1.5 -> 2
    [0, 3000, 0],
  ])('%i at %i bps is %i', (amount, bps, expected) => expect(royaltyOf(amount, bps)).toBe(expected));

  it('refuses bps out of range', () => {
    expect(() => royaltyOf(100, -1)).toThrow(RangeError);
    expect(() => royaltyOf(100, 10_001)).toThrow(RangeError);
    expect(() => royaltyOf(100, 1.5)).toThrow(RangeError);
  });
});

describe('payoutSplit', () => {
  it('without contests: the fee and the rest to the creator, as before', () => {
    expect(payoutSplit({ gross: 6000, grossBefore: 0, platformFeeBps: 500, deducted: 0, royalties: [] })).toEqual({
      fee: 300,
      deducted: 0,
      withheld: 0,
      released: 0,
      creator: 5700,
      royalties: [],
    });
  });

  it('a campaign-funded contest: the creator gets exactly prize plus fee less', () => {
    const split = payoutSplit({ gross: 60_000, grossBefore: 0, platformFeeBps: 500, deducted: 33_000, royalties: [] });
    expect(split).toMatchObject({ fee: 3000, creator: 60_000 - 3000 - 33_000 });
  });

  it('held while PENDING, paid in full (held and new) once WON, returned in full once VOID', () => {
    const first = payoutSplit({ gross: 10_000, grossBefore: 0, platformFeeBps: 500, deducted: 0, royalties: [royalty()] });
    expect(first).toMatchObject({ withheld: 1000, released: 0, creator: 8500 });
    expect(first.royalties[0]).toMatchObject({ accrual: 1000, paid: 0, returned: 0, accrued: 1000, settled: 0 });

    const won = payoutSplit({ gross: 2000, grossBefore: 10_000, platformFeeBps: 500, deducted: 0, royalties: [royalty({ accrued: 1000, outcome: 'WON', winnerId: 'prf_w' })] });
    expect(won.royalties[0]).toMatchObject({ accrual: 200, paid: 1200, returned: 0, winnerId: 'prf_w', accrued: 1200, settled: 1200 });
    expect(won).toMatchObject({ fee: 100, withheld: 200, released: 0, creator: 1700 });

    const voided = payoutSplit({ gross: 0, grossBefore: 10_000, platformFeeBps: 500, deducted: 0, royalties: [royalty({ accrued: 1000, outcome: 'VOID' })] });
    expect(voided).toMatchObject({ fee: 0, withheld: 0, released: 1000, creator: 1000 });
    expect(movesMoney(voided, 0)).toBe(true);
  });

  it('nothing to move: no gross and nothing held to settle', () => {
    const idle = payoutSplit({ gross: 0, grossBefore: 10_000, platformFeeBps: 500, deducted: 0, royalties: [royalty({ accrued: 1000 })] });
    expect(movesMoney(idle, 0)).toBe(false);
  });

  it('refuses a payout that cannot cover what it must take, and inconsistent state', () => {
    expect(() => payoutSplit({ gross: 1000, grossBefore: 0, platformFeeBps: 500, deducted: 999, royalties: [] })).toThrow(RangeError);
    expect(() => payoutSplit({ gross: 1000, grossBefore: 0, platformFeeBps: 500, deducted: 0, royalties: [royalty({ settled: 5 })] })).toThrow(RangeError);
    expect(() => payoutSplit({ gross: 1000, grossBefore: 0, platformFeeBps: 500, deducted: 0, royalties: [royalty({ outcome: 'WON' })] })).toThrow(RangeError);
    expect(() => payoutSplit({ gross: -1, grossBefore: 0, platformFeeBps: 500, deducted: 0, royalties: [] })).toThrow(RangeError);
  });

  it('over any sequence of payouts and outcomes: money is conserved, the royalty is exactly royaltyOf(total) and each payout is whole', () => {
    const outcome = fc.constantFrom<RoyaltyOutcome>('PENDING', 'WON', 'VOID');
    fc.assert(
      fc.property(
        fc.array(fc.record({ gross: fc.integer({ min: 0, max: 5_000_000 }), outcome }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 1000 }),
        (payouts, bps, feeBps) => {
          let state = royalty({ bps });
          let grossBefore = 0;
          let paid = 0;
          let returned = 0;
          let final: RoyaltyOutcome = 'PENDING';
          for (const step of payouts) {
            // An outcome is final: once WON or VOID it stays so.
            final = final === 'PENDING' ? step.outcome : final;
            const split = payoutSplit({ gross: step.gross, grossBefore, platformFeeBps: feeBps, deducted: 0, royalties: [{ ...state, outcome: final, winnerId: final === 'WON' ? 'prf_w' : null }] });
            const [settlement] = split.royalties;
            // What leaves escrow for fee, creator and winner, plus what stays held, is what came in.
            const held = settlement.accrued - settlement.settled;
            const heldBefore = state.accrued - state.settled;
            expect(split.fee + split.creator + settlement.paid + held).toBe(step.gross + heldBefore);
            expect(split.creator).toBeGreaterThanOrEqual(0);
            paid += settlement.paid;
            returned += settlement.returned;
            grossBefore += step.gross;
            state = { ...state, accrued: settlement.accrued, settled: settlement.settled };
            expect(state.accrued).toBe(royaltyOf(grossBefore, bps));
          }
          const total = royaltyOf(grossBefore, bps);
          if (final === 'WON') expect([paid, returned]).toEqual([total, 0]);
          if (final === 'VOID') expect([paid, returned]).toEqual([0, total]);
          if (final === 'PENDING') expect([paid, returned, state.accrued - state.settled]).toEqual([0, 0, total]);
        },
      ),
    );
  });
});
