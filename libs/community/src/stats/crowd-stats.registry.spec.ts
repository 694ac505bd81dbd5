import { CrowdStatsRegistry, perCurrency } from './crowd-stats.registry';

describe('crowd stats', () => {
  it('sums money per currency, in currency order, and drops nothing', () => {
    expect(perCurrency([])).toEqual([]);
    expect(
      perCurrency([
        { amount: 500, currency: 'USD' },
        { amount: 300, currency: 'EUR' },
        { amount: 200, currency: 'USD' },
      ]),
    ).toEqual([
      { amount: 300, currency: 'EUR' },
      { amount: 700, currency: 'USD' },
    ]);
  });

  it('adds up what each module reports, per profile, and counts nothing for a profile nobody knows', async () => {
    const registry = new CrowdStatsRegistry();
    registry.register(async () => new Map([['prf_a', { campaignsCreated: 2, campaignsBacked: 1 }]]));
    registry.register(
      async () =>
        new Map([
          ['prf_a', { contestsHeld: 1, entriesSubmitted: 4, contestsWon: 1, prizeMoneyWon: [{ amount: 30_000, currency: 'EUR' }] }],
          ['prf_b', { prizeMoneyWon: [{ amount: 100, currency: 'EUR' }] }],
        ]),
    );
    registry.register(async () => new Map([['prf_a', { prizeMoneyWon: [{ amount: 5_000, currency: 'EUR' }], royaltiesEarned: [{ amount: 42, currency: 'USD' }] }]]));
    const [a, b, c] = await registry.statsFor(['prf_a', 'prf_b', 'prf_c']);
    expect(a).toEqual({
      campaignsCreated: 2,
      campaignsBacked: 1,
      contestsHeld: 1,
      entriesSubmitted: 4,
      contestsWon: 1,
      prizeMoneyWon: [{ amount: 35_000, currency: 'EUR' }],
      royaltiesEarned: [{ amount: 42, currency: 'USD' }],
    });
    expect(b.prizeMoneyWon).toEqual([{ amount: 100, currency: 'EUR' }]);
    expect(c).toEqual({ campaignsCreated: 0, campaignsBacked: 0, contestsHeld: 0, entriesSubmitted: 0, contestsWon: 0, prizeMoneyWon: [], royaltiesEarned: [] });
  });
});
