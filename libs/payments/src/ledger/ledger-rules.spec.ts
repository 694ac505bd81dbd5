import fc from 'fast-check';
import { splitFee } from '../fees/fee-math';
import { isEscrowAccount, isLedgerAccount, LedgerAccounts } from './ledger-accounts';
import { applyEntry, balanceKey, checkEntry, LedgerError, type JournalEntryInput, type JournalPosting } from './ledger-rules';

const EUR = 'EUR';
const post = (account: string, amount: number, currency = EUR): JournalPosting => ({ account, amount, currency });

function violation(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    if (error instanceof LedgerError) return error.violation;
    throw error;
  }
}

describe('ledger accounts', () => {
  it('knows the named accounts and nothing else', () => {
    for (const account of [
      'external:stripe',
      'platform:fees',
      LedgerAccounts.campaignEscrow('cmp_01J0000000000000000000000A'),
      LedgerAccounts.contestEscrow('ctt_1'),
      LedgerAccounts.profilePayable('prf_1'),
      LedgerAccounts.payout('pay_1'),
    ]) {
      expect(isLedgerAccount(account)).toBe(true);
    }
    for (const account of ['external:paypal', 'campaign:x', 'campaign::escrow', 'profile:a:b:payable', 'fees', '', 'payout:']) {
      expect(isLedgerAccount(account)).toBe(false);
    }
    expect(isEscrowAccount('campaign:c1:escrow')).toBe(true);
    expect(isEscrowAccount('contest:c1:escrow')).toBe(true);
    expect(isEscrowAccount('profile:p1:payable')).toBe(false);
  });
});

describe('ledger rules', () => {
  describe('checkEntry', () => {
    const entry = (postings: JournalPosting[], kind = 'pledge.collected', reference = 'pld_1'): JournalEntryInput => ({ kind, reference, postings });

    it('accepts a balanced entry of two or more postings', () => {
      expect(violation(() => checkEntry(entry([post('external:stripe', -500), post('campaign:c1:escrow', 500)])))).toBeUndefined();
      expect(
        violation(() =>
          checkEntry(entry([post('campaign:c1:escrow', -1000), post('platform:fees', 50), post('profile:p1:payable', 950)], 'campaign.settled')),
        ),
      ).toBeUndefined();
    });

    it('balances per currency, not across currencies', () => {
      const mixed = entry([post('external:stripe', -500, 'EUR'), post('campaign:c1:escrow', 500, 'USD')]);
      expect(violation(() => checkEntry(mixed))).toBe('unbalanced');
      const both = entry([
        post('external:stripe', -500, 'EUR'),
        post('campaign:c1:escrow', 500, 'EUR'),
        post('external:stripe', -7, 'JPY'),
        post('campaign:c1:escrow', 7, 'JPY'),
      ]);
      expect(violation(() => checkEntry(both))).toBeUndefined();
    });

    it.each<[string, JournalEntryInput, string]>([
      ['unbalanced', entry([post('external:stripe', -500), post('campaign:c1:escrow', 499)]), 'unbalanced'],
      ['a single posting', entry([post('external:stripe', 0)]), 'invalid_entry'],
      ['no postings', entry([]), 'invalid_entry'],
      ['a zero posting', entry([post('external:stripe', 0), post('campaign:c1:escrow', 0)]), 'invalid_entry'],
      ['a fractional amount', entry([post('external:stripe', -0.5), post('campaign:c1:escrow', 0.5)]), 'invalid_entry'],
      ['an unsafe amount', entry([post('external:stripe', -(2 ** 53)), post('campaign:c1:escrow', 2 ** 53)]), 'invalid_entry'],
      ['an unknown account', entry([post('external:paypal', -5), post('campaign:c1:escrow', 5)]), 'invalid_entry'],
      ['a lower-case currency', entry([post('external:stripe', -5, 'eur'), post('campaign:c1:escrow', 5, 'eur')]), 'invalid_entry'],
      ['a bad kind', entry([post('external:stripe', -5), post('campaign:c1:escrow', 5)], 'Pledge Collected'), 'invalid_entry'],
      ['no reference', entry([post('external:stripe', -5), post('campaign:c1:escrow', 5)], 'pledge.collected', ''), 'invalid_entry'],
    ])('refuses %s', (_name, bad, expected) => {
      expect(violation(() => checkEntry(bad))).toBe(expected);
    });

    it('sums in BigInt, so large opposite postings cannot overflow into a false balance', () => {
      const big = Number.MAX_SAFE_INTEGER;
      const sneaky = entry([post('external:stripe', big), post('platform:fees', big), post('campaign:c1:escrow', -big), post('profile:p:payable', -big + 1)]);
      expect(violation(() => checkEntry(sneaky))).toBe('unbalanced');
    });
  });

  describe('applyEntry', () => {
    it('refuses to take an escrow account below zero, and leaves the balances as they were', () => {
      const balances = new Map([[balanceKey('campaign:c1:escrow', EUR), 300]]);
      const refund = { kind: 'pledge.refunded', reference: 'pld_1', postings: [post('campaign:c1:escrow', -301), post('external:stripe', 301)] };
      expect(violation(() => applyEntry(balances, refund))).toBe('negative_balance');
      expect(balances.get(balanceKey('campaign:c1:escrow', EUR))).toBe(300);
      const exact = { ...refund, postings: [post('campaign:c1:escrow', -300), post('external:stripe', 300)] };
      expect(applyEntry(balances, exact).get(balanceKey('campaign:c1:escrow', EUR))).toBe(0);
    });

    it('lets the other accounts go negative (external:stripe is negative by design)', () => {
      const next = applyEntry(new Map(), { kind: 'pledge.collected', reference: 'p', postings: [post('external:stripe', -10), post('campaign:c:escrow', 10)] });
      expect(next.get(balanceKey('external:stripe', EUR))).toBe(-10);
    });

    it('nets postings of one account within an entry before checking', () => {
      const next = applyEntry(new Map(), {
        kind: 'test.netting',
        reference: 'r',
        postings: [post('campaign:c:escrow', 10), post('campaign:c:escrow', -10), post('external:stripe', 5), post('platform:fees', -5)],
      });
      expect(next.get(balanceKey('campaign:c:escrow', EUR))).toBe(0);
    });
  });

  /**
   * Property: whatever sequence of ledger operations is attempted (realistic money movements,
   * overdrawing refunds, arbitrary and unbalanced entries), every entry that is accepted sums
   * to zero per currency, no escrow account ever goes negative, a refused entry changes
   * nothing, and every balance equals the sum of the accepted postings.
   */
  describe('property: any sequence of operations keeps the ledger sound', () => {
    const campaigns = ['c1', 'c2'];
    const contests = ['k1'];
    const profiles = ['p1', 'p2'];
    const currencies = ['EUR', 'JPY'];
    const accounts = [
      'external:stripe',
      'platform:fees',
      ...campaigns.map(LedgerAccounts.campaignEscrow),
      ...contests.map(LedgerAccounts.contestEscrow),
      ...profiles.map(LedgerAccounts.profilePayable),
    ];
    const amount = fc.integer({ min: 1, max: 100_000 });
    const currency = fc.constantFrom(...currencies);

    const operation: fc.Arbitrary<JournalEntryInput> = fc.oneof(
      fc.record({ c: fc.constantFrom(...campaigns), x: amount, cur: currency }).map(({ c, x, cur }) => ({
        kind: 'pledge.collected',
        reference: `pld_${c}`,
        postings: [post('external:stripe', -x, cur), post(LedgerAccounts.campaignEscrow(c), x, cur)],
      })),
      fc.record({ c: fc.constantFrom(...campaigns), x: amount, cur: currency }).map(({ c, x, cur }) => ({
        kind: 'pledge.refunded',
        reference: `pld_${c}`,
        postings: [post(LedgerAccounts.campaignEscrow(c), -x, cur), post('external:stripe', x, cur)],
      })),
      fc.record({ c: fc.constantFrom(...campaigns), p: fc.constantFrom(...profiles), x: amount, bps: fc.integer({ min: 0, max: 10_000 }), cur: currency }).map(
        ({ c, p, x, bps, cur }) => {
          const { fee, net } = splitFee(x, bps);
          const postings = [post(LedgerAccounts.campaignEscrow(c), -x, cur)];
          if (fee > 0) postings.push(post('platform:fees', fee, cur));
          if (net > 0) postings.push(post(LedgerAccounts.profilePayable(p), net, cur));
          return { kind: 'campaign.settled', reference: c, postings };
        },
      ),
      fc.record({ c: fc.constantFrom(...campaigns), k: fc.constantFrom(...contests), x: amount, cur: currency }).map(({ c, k, x, cur }) => ({
        kind: 'contest.funded',
        reference: k,
        postings: [post(LedgerAccounts.campaignEscrow(c), -x, cur), post(LedgerAccounts.contestEscrow(k), x, cur)],
      })),
      fc.record({ k: fc.constantFrom(...contests), p: fc.constantFrom(...profiles), x: amount, cur: currency }).map(({ k, p, x, cur }) => ({
        kind: 'contest.prize.released',
        reference: k,
        postings: [post(LedgerAccounts.contestEscrow(k), -x, cur), post(LedgerAccounts.profilePayable(p), x, cur)],
      })),
      // Arbitrary entries, balanced or not, between any accounts.
      fc
        .array(fc.record({ account: fc.constantFrom(...accounts), amount: fc.integer({ min: -50_000, max: 50_000 }), currency }), { minLength: 0, maxLength: 5 })
        .map((postings) => ({ kind: 'test.arbitrary', reference: 'r', postings })),
    );

    it('holds for 500 random sequences of up to 60 operations', () => {
      fc.assert(
        fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
          let balances = new Map<string, number>();
          const journal: JournalEntryInput[] = [];
          for (const attempt of operations) {
            const before = new Map(balances);
            try {
              balances = applyEntry(balances, attempt);
              journal.push(attempt);
            } catch (error) {
              expect(error).toBeInstanceOf(LedgerError);
              expect(balances).toEqual(before);
            }
            for (const [key, balance] of balances) {
              if (isEscrowAccount(key.slice(4))) expect(balance).toBeGreaterThanOrEqual(0);
            }
          }
          const sums = new Map<string, number>();
          for (const entry of journal) {
            const perCurrency = new Map<string, number>();
            for (const posting of entry.postings) {
              perCurrency.set(posting.currency, (perCurrency.get(posting.currency) ?? 0) + posting.amount);
              const key = balanceKey(posting.account, posting.currency);
              sums.set(key, (sums.get(key) ?? 0) + posting.amount);
            }
            for (const sum of perCurrency.values()) expect(sum).toBe(0);
          }
          for (const [key, balance] of balances) expect(balance).toBe(sums.get(key) ?? 0);
        }),
        { numRuns: 500 },
      );
    });
  });
});
