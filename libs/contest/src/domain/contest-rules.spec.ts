import { contestKeys, contestShapeProblems, prizeSplit, royaltyProblems, topRatedFinalists } from './contest-rules';

const bounds = { oneMajorUnit: 100, maxCharge: 99_999_999, feeBps: 1000, minRoundSeconds: 86_400 };
const valid = { prizeAmount: 10_000, maxFinalists: 6, qualifyingRoundSeconds: 86_400, finalRoundSeconds: 30 * 86_400 };

describe('contest shape', () => {
  it('accepts the smallest prize and the round bounds', () => {
    expect(contestShapeProblems(valid, bounds)).toEqual([]);
  });

  it('names every field out of bounds', () => {
    expect(contestShapeProblems({ prizeAmount: 9_999, maxFinalists: 11, qualifyingRoundSeconds: 86_399, finalRoundSeconds: 30 * 86_400 + 1 }, bounds)).toEqual([
      { path: 'prize.amount', message: 'must be at least 10000 minor units (100 whole units of the currency)' },
      { path: 'maxFinalists', message: 'must be 1 to 10' },
      { path: 'qualifyingRoundSeconds', message: 'must be 86400 to 2592000 seconds' },
      { path: 'finalRoundSeconds', message: 'must be 86400 to 2592000 seconds' },
    ]);
    expect(contestShapeProblems({ ...valid, maxFinalists: 0 }, bounds).map((p) => p.path)).toEqual(['maxFinalists']);
  });

  it('counts the minimum in whole units of the currency (100 JPY, 100.000 KWD)', () => {
    expect(contestShapeProblems({ ...valid, prizeAmount: 100 }, { ...bounds, oneMajorUnit: 1 })).toEqual([]);
    expect(contestShapeProblems({ ...valid, prizeAmount: 99_999 }, { ...bounds, oneMajorUnit: 1000 }).map((p) => p.path)).toEqual(['prize.amount']);
  });

  it('refuses a prize whose fee pushes the charge past the largest one', () => {
    expect(contestShapeProblems({ ...valid, prizeAmount: 95_000_000 }, bounds)[0].message).toMatch(/largest single charge/);
  });
});

describe('provider keys', () => {
  it('derive from the contest id and the attempt', () => {
    expect(contestKeys.openCharge('ctt_1', 0)).toBe('contest:ctt_1:open:charge:1');
    expect(contestKeys.openCharge('ctt_1', 2)).toBe('contest:ctt_1:open:charge:3');
    expect(contestKeys.refund('ctt_1')).toBe('contest:ctt_1:refund');
    expect(contestKeys.payout('ctt_1', 'prf_2')).toBe('contest:ctt_1:payout:prf_2');
  });
});

describe('finalists when the window ends', () => {
  it('takes the top-rated entries, ties and unrated to the earliest', () => {
    const entries = [
      { id: 'a', number: 1, rating: null },
      { id: 'b', number: 2, rating: 4 },
      { id: 'c', number: 3, rating: 5 },
      { id: 'd', number: 4, rating: 4 },
      { id: 'e', number: 5, rating: null },
    ];
    expect(topRatedFinalists(entries, 3).map((e) => e.id)).toEqual(['c', 'b', 'd']);
    expect(topRatedFinalists(entries, 10).map((e) => e.id)).toEqual(['c', 'b', 'd', 'a', 'e']);
  });
});

describe('prize split', () => {
  it('splits evenly among designers, the leftover units to the earliest entries', () => {
    const split = prizeSplit(10_001, [
      { designerId: 'p3', number: 7 },
      { designerId: 'p1', number: 2 },
      { designerId: 'p2', number: 4 },
    ]);
    expect(split).toEqual([
      { designerId: 'p1', amount: 3_334 },
      { designerId: 'p2', amount: 3_334 },
      { designerId: 'p3', amount: 3_333 },
    ]);
    expect(split.reduce((sum, share) => sum + share.amount, 0)).toBe(10_001);
  });

  it('gives a designer with two finalist entries one share', () => {
    expect(prizeSplit(10_000, [{ designerId: 'p1', number: 1 }, { designerId: 'p2', number: 2 }, { designerId: 'p1', number: 3 }])).toEqual([
      { designerId: 'p1', amount: 5_000 },
      { designerId: 'p2', amount: 5_000 },
    ]);
  });

  it('sums to the prize for any prize and any number of designers', () => {
    for (let prize = 10_000; prize < 10_050; prize++) {
      for (let designers = 1; designers <= 10; designers++) {
        const shares = prizeSplit(prize, Array.from({ length: designers }, (_, i) => ({ designerId: `p${i}`, number: i + 1 })));
        expect(shares.reduce((sum, share) => sum + share.amount, 0)).toBe(prize);
        expect(Math.max(...shares.map((s) => s.amount)) - Math.min(...shares.map((s) => s.amount))).toBeLessThanOrEqual(1);
      }
    }
  });

  it('has nobody to pay without finalists', () => {
    expect(prizeSplit(10_000, [])).toEqual([]);
  });
});

describe('winner royalty bounds', () => {
  it('0 to 3000 bps, more than 0 only with a linked campaign', () => {
    for (const bps of [0, 1, 1500, 3000]) expect(royaltyProblems(bps, true)).toEqual([]);
    expect(royaltyProblems(0, false)).toEqual([]);
    for (const bps of [-1, 3001, 1.5, Number.NaN]) expect(royaltyProblems(bps, true).map((p) => p.path)).toEqual(['winnerRoyaltyBps']);
    expect(royaltyProblems(1, false)).toEqual([{ path: 'winnerRoyaltyBps', message: expect.stringContaining('campaignId') }]);
  });
});
